import fc from 'fast-check';
import type { TimeLimit } from './calendar.types';
import { defaultVietnamCalendar } from './default-calendar';
import { computeDueAt, latestApologyAt, normaliseIntake } from './due-date';
import { formatInstant, parseInstant, zonedInstant } from './instant';

const calendar = defaultVietnamCalendar();
const at = zonedInstant;
const wd = (value: number): TimeLimit => ({ value, unit: 'working-days' });
const hours = (value: number): TimeLimit => ({ value, unit: 'working-hours' });
const days = (value: number): TimeLimit => ({ value, unit: 'days' });

describe('normaliseIntake', () => {
  it.each([
    ['during the morning session', '2025-03-14', '09:10', '2025-03-14T09:10:00.000+07:00'],
    ['before opening', '2025-03-14', '06:45', '2025-03-14T07:30:00.000+07:00'],
    ['during lunch', '2025-03-14', '12:15', '2025-03-14T13:30:00.000+07:00'],
    ['at 16:59', '2025-03-14', '16:59', '2025-03-14T16:59:00.000+07:00'],
    ['at 17:00 sharp', '2025-03-14', '17:00', '2025-03-17T07:30:00.000+07:00'],
    ['at 17:01', '2025-03-14', '17:01', '2025-03-17T07:30:00.000+07:00'],
    ['on a Saturday', '2025-03-15', '10:00', '2025-03-17T07:30:00.000+07:00'],
    ['on a swapped working Saturday', '2025-04-26', '09:00', '2025-04-26T09:00:00.000+07:00'],
    ['after close on the Friday before Tết', '2025-01-24', '17:01', '2025-02-03T07:30:00.000+07:00'],
    ['after close on 31 December', '2025-12-31', '17:30', '2026-01-05T07:30:00.000+07:00'],
  ])(
    'Given a dossier received %s, When normalised, Then the clock starts at the right opening',
    (_, d, t, expected) => {
      expect(normaliseIntake(at(d, t), calendar)).toBe(expected);
    },
  );

  it('Given a UTC receipt time, When normalised, Then the local day and hour decide', () => {
    expect(normaliseIntake('2025-03-14T10:01:00Z', calendar)).toBe('2025-03-17T07:30:00.000+07:00'); // 17:01 local
  });
});

describe('computeDueAt: working days', () => {
  it('Given 24 December 2025 and 10 working days, When due, Then 1/1 and the 2/1 swap are skipped (9 January 2026)', () => {
    expect(computeDueAt(at('2025-12-24', '09:00'), wd(10), calendar)).toBe('2026-01-09T09:00:00.000+07:00');
  });

  it('Given 24 December 2026 and 10 working days, When due, Then 1/1/2027 is skipped (8 January 2027)', () => {
    expect(computeDueAt(at('2026-12-24', '09:00'), wd(10), calendar)).toBe('2027-01-08T09:00:00.000+07:00');
  });

  it('Given intake at 16:59 on the Friday before Tết, When 2 working days, Then due on 4 February at 16:59', () => {
    expect(computeDueAt(at('2025-01-24', '16:59'), wd(2), calendar)).toBe('2025-02-04T16:59:00.000+07:00');
  });

  it('Given intake at 17:01 on the Friday before Tết, When 2 working days, Then it counts from 3 February 07:30', () => {
    expect(computeDueAt(at('2025-01-24', '17:01'), wd(2), calendar)).toBe('2025-02-05T07:30:00.000+07:00');
  });

  it('Given intake during lunch or before opening, When 1 working day, Then the due time is the session opening', () => {
    expect(computeDueAt(at('2025-03-14', '12:00'), wd(1), calendar)).toBe('2025-03-17T13:30:00.000+07:00');
    expect(computeDueAt(at('2025-03-14', '06:00'), wd(1), calendar)).toBe('2025-03-17T07:30:00.000+07:00');
  });

  it('Given intake on a Saturday, When 1 working day, Then it counts from Monday morning', () => {
    expect(computeDueAt(at('2025-03-15', '10:00'), wd(1), calendar)).toBe('2025-03-18T07:30:00.000+07:00');
  });

  it('Given the 2025 swap, When counting from Friday 25/4, Then Saturday 26/4 counts and 30/4–4/5 do not', () => {
    expect(computeDueAt(at('2025-04-25', '09:00'), wd(1), calendar)).toBe('2025-04-26T09:00:00.000+07:00');
    expect(computeDueAt(at('2025-04-25', '09:00'), wd(3), calendar)).toBe('2025-04-29T09:00:00.000+07:00');
    expect(computeDueAt(at('2025-04-25', '09:00'), wd(4), calendar)).toBe('2025-05-05T09:00:00.000+07:00');
  });

  it('Given a 0-working-day limit, When due, Then it is the end of the intake session', () => {
    expect(computeDueAt(at('2025-03-14', '09:00'), wd(0), calendar)).toBe('2025-03-14T11:30:00.000+07:00');
    expect(computeDueAt(at('2025-03-14', '14:00'), wd(0), calendar)).toBe('2025-03-14T17:00:00.000+07:00');
    expect(computeDueAt(at('2025-03-14', '12:00'), wd(0), calendar)).toBe('2025-03-14T17:00:00.000+07:00');
    expect(computeDueAt(at('2025-03-14', '17:30'), wd(0), calendar)).toBe('2025-03-17T11:30:00.000+07:00');
  });

  it('Given a 0.5-working-day limit, When due, Then morning → same afternoon close, afternoon → next working morning close', () => {
    expect(computeDueAt(at('2025-03-14', '09:00'), wd(0.5), calendar)).toBe('2025-03-14T17:00:00.000+07:00');
    expect(computeDueAt(at('2025-03-14', '14:00'), wd(0.5), calendar)).toBe('2025-03-17T11:30:00.000+07:00');
    expect(computeDueAt(at('2025-01-24', '14:00'), wd(0.5), calendar)).toBe('2025-02-03T11:30:00.000+07:00');
  });

  it('Given 1.5 or 0.25 working days, When due, Then the half-day rule or a fraction of a working day applies', () => {
    expect(computeDueAt(at('2025-03-14', '09:00'), wd(1.5), calendar)).toBe('2025-03-17T17:00:00.000+07:00');
    // 0.25 × 7.5 h = 1 h 52 min 30 s of working time.
    expect(computeDueAt(at('2025-03-17', '07:30'), wd(0.25), calendar)).toBe('2025-03-17T09:22:30.000+07:00');
  });
});

describe('computeDueAt: working hours', () => {
  it('Given 3 working hours from 10:30, When due, Then lunch is skipped (15:30)', () => {
    expect(computeDueAt(at('2025-03-14', '10:30'), hours(3), calendar)).toBe('2025-03-14T15:30:00.000+07:00');
  });

  it('Given 3 working hours from Friday 16:00, When due, Then the night and weekend are skipped (Monday 09:30)', () => {
    expect(computeDueAt(at('2025-03-14', '16:00'), hours(3), calendar)).toBe('2025-03-17T09:30:00.000+07:00');
  });

  it('Given 2 working hours from 16:00 on the Friday before Tết, When due, Then it lands after Tết', () => {
    expect(computeDueAt(at('2025-01-24', '16:00'), hours(2), calendar)).toBe('2025-02-03T08:30:00.000+07:00');
  });

  it('Given 24 working hours received during lunch, When due, Then it runs from 13:30 across three nights', () => {
    // Fri 13:30–17:00 (3.5) + Mon 7.5 + Tue 7.5 + Wed 4 + 1.5 → Wed 15:00.
    expect(computeDueAt(at('2025-03-14', '12:10'), hours(24), calendar)).toBe(
      '2025-03-19T15:00:00.000+07:00',
    );
  });
});

describe('computeDueAt: calendar days (Civil Code Art. 147–148)', () => {
  it('Given 3 days from Monday, When due, Then the first day is not counted and it ends at 24:00 Thursday', () => {
    expect(computeDueAt(at('2025-03-10', '10:00'), days(3), calendar)).toBe('2025-03-14T00:00:00.000+07:00');
  });

  it('Given a last day on a Saturday, When due, Then it ends at 24:00 of the next working day', () => {
    expect(computeDueAt(at('2025-03-10', '10:00'), days(5), calendar)).toBe('2025-03-18T00:00:00.000+07:00');
  });

  it('Given a last day on the 30/4 holiday, When due, Then it ends at 24:00 of Monday 5/5', () => {
    expect(computeDueAt(at('2025-04-25', '09:00'), days(5), calendar)).toBe('2025-05-06T00:00:00.000+07:00');
  });

  it('Given a fractional calendar-day limit or a negative value, When due, Then it is rejected', () => {
    expect(() => computeDueAt(at('2025-03-10', '10:00'), days(1.5), calendar)).toThrow(RangeError);
    expect(() => computeDueAt(at('2025-03-10', '10:00'), wd(-1), calendar)).toThrow(RangeError);
  });
});

describe('latestApologyAt', () => {
  it('Given a due date, When the apology deadline is computed, Then it is the same time on the previous working day', () => {
    expect(latestApologyAt('2026-01-09T09:00:00.000+07:00', calendar)).toBe('2026-01-08T09:00:00.000+07:00');
    expect(latestApologyAt('2026-01-05T09:00:00.000+07:00', calendar)).toBe('2025-12-31T09:00:00.000+07:00');
    expect(latestApologyAt('2025-04-28T09:00:00.000+07:00', calendar)).toBe('2025-04-26T09:00:00.000+07:00');
  });

  it('Given a calendar-day due date at 24:00 Monday, When the apology deadline is computed, Then it is 24:00 Friday', () => {
    expect(latestApologyAt('2025-03-18T00:00:00.000+07:00', calendar)).toBe('2025-03-15T00:00:00.000+07:00');
  });
});

describe('computeDueAt properties', () => {
  const from = parseInstant('2024-06-01T00:00:00+07:00');
  const to = parseInstant('2027-06-30T00:00:00+07:00');
  const limits: TimeLimit[] = [
    wd(0),
    wd(0.5),
    wd(1),
    wd(1.5),
    wd(10),
    hours(4),
    hours(0.25),
    days(0),
    days(7),
    days(30),
  ];

  it('Given two receipt instants r1 <= r2, When the due dates are computed, Then due(r1) <= due(r2)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: 0, max: 5 * 86_400_000 }),
        fc.constantFrom(...limits),
        (r1, gap, limit) => {
          const d1 = parseInstant(computeDueAt(formatInstant(r1), limit, calendar));
          const d2 = parseInstant(computeDueAt(formatInstant(r1 + gap), limit, calendar));
          expect(d1).toBeLessThanOrEqual(d2);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('Given any receipt, When due, Then it is never before the normalised intake', () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.constantFrom(...limits), (r, limit) => {
        const start = parseInstant(normaliseIntake(formatInstant(r), calendar));
        expect(parseInstant(computeDueAt(formatInstant(r), limit, calendar))).toBeGreaterThanOrEqual(start);
      }),
      { numRuns: 300 },
    );
  });
});
