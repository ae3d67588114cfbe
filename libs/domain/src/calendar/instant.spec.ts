import { addDays, civilDateOf, dayOfWeek, formatInstant, parseInstant, zonedInstant } from './instant';

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
