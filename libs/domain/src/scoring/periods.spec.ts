import { DomainError } from '../core/event-sourcing.types';
import { parsePeriod, periodWindow, previousQuarters, quarterOf } from './periods';

const z = (iso: string) => Date.parse(iso);

describe('periods', () => {
  it('cuts years, quarters and months at UTC+7 midnight', () => {
    expect(parsePeriod('2024-Q2')).toMatchObject({
      id: '2024-Q2',
      kind: 'quarter',
      start: z('2024-03-31T17:00:00Z'),
      last: z('2024-06-30T16:59:59.999Z'),
    });
    expect(parsePeriod('2024')).toMatchObject({
      kind: 'year',
      start: z('2023-12-31T17:00:00Z'),
      last: z('2024-12-31T16:59:59.999Z'),
    });
    expect(parsePeriod('2024-02')).toMatchObject({
      kind: 'month',
      start: z('2024-01-31T17:00:00Z'),
      last: z('2024-02-29T16:59:59.999Z'),
    });
    expect(parsePeriod('2024-12')).toMatchObject({
      start: z('2024-11-30T17:00:00Z'),
      last: z('2024-12-31T16:59:59.999Z'),
    });
    expect(parsePeriod('2024-Q4').last).toBe(z('2024-12-31T16:59:59.999Z'));
  });

  it('places 2024-03-31T23:30+07:00 in Q1 and 2024-04-01T00:00+07:00 in Q2', () => {
    const q1 = parsePeriod('2024-Q1');
    const q2 = parsePeriod('2024-Q2');
    const late = z('2024-03-31T23:30:00+07:00');
    const midnight = z('2024-04-01T00:00:00+07:00');
    expect(midnight).toBe(z('2024-03-31T17:00:00Z'));
    expect(late >= q1.start && late <= q1.last).toBe(true);
    expect(midnight >= q2.start && midnight <= q2.last).toBe(true);
    expect(midnight > q1.last).toBe(true);
    expect(quarterOf(late)).toBe('2024-Q1');
    expect(quarterOf(midnight)).toBe('2024-Q2');
  });

  it('ends at min(last instant, asOf)', () => {
    const asOf = z('2024-05-15T10:00:00+07:00');
    expect(periodWindow('2024-Q2', asOf).end).toBe(asOf);
    const later = z('2024-08-15T09:30:00+07:00');
    expect(periodWindow('2024-Q2', later)).toMatchObject({ end: z('2024-06-30T16:59:59.999Z'), asOf: later });
  });

  it.each([
    '2024-Q5',
    '2024-Q0',
    '2024-13',
    '2024-00',
    '24',
    '2024-5',
    '2024-q2',
    ' 2024',
    '2024-W01',
    '',
    '1969',
  ])('rejects %j as INVALID_PERIOD (rule)', (p) => {
    try {
      parsePeriod(p);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'INVALID_PERIOD', kind: 'rule' });
    }
  });

  it('refuses a period that begins after asOf', () => {
    expect(() => periodWindow('2024-Q3', z('2024-06-30T23:59:00+07:00'))).toThrow(
      expect.objectContaining({ code: 'PERIOD_NOT_STARTED', kind: 'rule' }),
    );
  });

  it('lists the previous quarters, oldest first', () => {
    expect(previousQuarters('2024-Q2', 4)).toEqual(['2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1']);
    expect(previousQuarters('2024-Q1', 1)).toEqual(['2023-Q4']);
    expect(previousQuarters('2024-05', 2)).toEqual(['2023-Q4', '2024-Q1']);
    expect(previousQuarters('2024', 1)).toEqual(['2024-Q3']);
    expect(previousQuarters('2024-Q3', 0)).toEqual([]);
  });
});
