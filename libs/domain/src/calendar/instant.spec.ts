import { DomainError } from '../core/event-sourcing.types';
import {
  addDays,
  civilDateOf,
  dayOfWeek,
  formatInstant,
  instantFromMs,
  instantMs,
  parseInstant,
  zonedInstant,
} from './instant';

describe('instants in Asia/Ho_Chi_Minh', () => {
  it('Given a UTC instant late in the evening, When its civil date is taken, Then it is the next local day', () => {
    expect(civilDateOf('2025-01-24T17:30:00Z')).toBe('2025-01-25');
    expect(civilDateOf('2025-01-24T16:59:59.999Z')).toBe('2025-01-24');
  });

  it('Given a civil date and a clock time, When zoned, Then it is ISO with +07:00 and milliseconds', () => {
    expect(zonedInstant('2025-01-24', '16:59')).toBe('2025-01-24T16:59:00.000+07:00');
    expect(zonedInstant('2025-12-31', '24:00')).toBe('2026-01-01T00:00:00.000+07:00');
  });

  it('Given instants with other offsets, When formatted, Then they are rendered at +07:00', () => {
    expect(formatInstant(parseInstant('2025-01-24T09:59:00Z'))).toBe('2025-01-24T16:59:00.000+07:00');
    expect(formatInstant(parseInstant('2025-01-24T11:59:00+02:00'))).toBe('2025-01-24T16:59:00.000+07:00');
  });

  it('Given malformed input, When parsed, Then it is rejected rather than read in the process zone', () => {
    expect(() => parseInstant('2025-01-24T16:59:00')).toThrow(RangeError);
    expect(() => zonedInstant('2025-02-30', '08:00')).toThrow(RangeError);
    expect(() => zonedInstant('2025-02-03', '7:30')).toThrow(RangeError);
    expect(() => zonedInstant('2025-02-03', '24:30')).toThrow(RangeError);
  });

  it('Given civil dates, When stepping days and weekdays, Then month, year and leap days are respected', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(dayOfWeek('2025-04-26')).toBe(6);
    expect(dayOfWeek('2026-04-26')).toBe(0);
  });
});

describe('instantMs (the rules’ parse)', () => {
  it('reads an instant with an offset as epoch ms and refuses anything else as INVALID_INSTANT naming the field', () => {
    expect(instantMs('2025-03-03T09:00:00+07:00')).toBe(Date.parse('2025-03-03T02:00:00Z'));
    expect(instantMs('2025-03-03T02:00Z', 'dueAt')).toBe(Date.parse('2025-03-03T02:00:00Z'));
    for (const bad of ['2025-03-03T09:00:00', '2025-03-03', 'yesterday', 42]) {
      try {
        instantMs(bad as string, 'dueAt');
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect(e).toMatchObject({
          code: 'INVALID_INSTANT',
          kind: 'rule',
          details: { field: 'dueAt', value: bad },
        });
      }
    }
  });

  it('writes back in the calendar’s format (+07:00), the same as formatInstant', () => {
    const ms = Date.parse('2025-12-31T20:30:00.123Z');
    expect(instantFromMs(ms)).toBe('2026-01-01T03:30:00.123+07:00');
    expect(instantFromMs(ms)).toBe(formatInstant(ms));
  });
});
