import fc from 'fast-check';
import { defaultVietnamCalendar } from './default-calendar';
import { addDays, civilDateOfMs, formatInstant, parseInstant, zonedInstant } from './instant';
import { addWorkingMs, workingMsBetween } from './working-time';

const calendar = defaultVietnamCalendar();
const H = 3_600_000;
const at = zonedInstant;

describe('workingMsBetween', () => {
  it('Given a full working day, When measured from opening to close, Then lunch is excluded (7.5 h)', () => {
    expect(workingMsBetween(at('2025-03-14', '07:30'), at('2025-03-14', '17:00'), calendar)).toBe(7.5 * H);
    expect(workingMsBetween(at('2025-03-14', '11:00'), at('2025-03-14', '14:00'), calendar)).toBe(1 * H);
  });

  it('Given a span over a night and a weekend, When measured, Then only session time counts', () => {
    expect(workingMsBetween(at('2025-03-14', '16:00'), at('2025-03-17', '08:30'), calendar)).toBe(2 * H);
  });

  it('Given a span over Tết 2025, When measured, Then the 9 days off count nothing', () => {
    expect(workingMsBetween(at('2025-01-24', '16:00'), at('2025-02-03', '08:30'), calendar)).toBe(2 * H);
  });

  it('Given to before or equal to from, When measured, Then it is 0', () => {
    expect(workingMsBetween(at('2025-03-14', '10:00'), at('2025-03-14', '09:00'), calendar)).toBe(0);
    expect(workingMsBetween(at('2025-03-14', '10:00'), at('2025-03-14', '10:00'), calendar)).toBe(0);
  });
});

describe('addWorkingMs', () => {
  it('Given a start before lunch, When 3 h are added, Then the lunch break is skipped', () => {
    expect(addWorkingMs(at('2025-03-14', '10:30'), 3 * H, calendar)).toBe('2025-03-14T15:30:00.000+07:00');
  });

  it('Given exactly a session of time, When added, Then the session close is returned, not the next opening', () => {
    expect(addWorkingMs(at('2025-03-14', '07:30'), 4 * H, calendar)).toBe('2025-03-14T11:30:00.000+07:00');
  });

  it('Given a start outside office hours, When 0 is added, Then the next opening is returned', () => {
    expect(addWorkingMs(at('2025-03-14', '17:30'), 0, calendar)).toBe('2025-03-17T07:30:00.000+07:00');
  });

  it('Given a due date, When the 50 % and 75 % alerts are placed, Then they split the working time, not the wall time', () => {
    const start = at('2025-03-14', '16:00');
    const due = at('2025-03-18', '16:00'); // 2 working days
    const total = workingMsBetween(start, due, calendar);
    expect(total).toBe(15 * H);
    expect(addWorkingMs(start, total * 0.5, calendar)).toBe('2025-03-17T16:00:00.000+07:00');
    expect(addWorkingMs(start, total * 0.75, calendar)).toBe('2025-03-18T10:15:00.000+07:00');
  });

  it('Given a negative amount, When added, Then it is rejected', () => {
    expect(() => addWorkingMs(at('2025-03-14', '10:30'), -1, calendar)).toThrow(RangeError);
  });
});

describe('working time properties', () => {
  const from = parseInstant('2024-12-01T00:00:00+07:00');
  const to = parseInstant('2027-01-31T00:00:00+07:00');
  const instant = fc.integer({ min: from, max: to });

  it('Given b inside a session at or after a, When addWorkingMs(a, workingMsBetween(a, b)) is computed, Then it lands at b', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 45 }),
        fc.integer({ min: 0, max: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, dayOffset, sessionIndex, position) => {
          const day = addDays(civilDateOfMs(a), dayOffset);
          const session = calendar.sessionsOn(day)[sessionIndex];
          fc.pre(session !== undefined);
          // Strictly after the opening: an instant at an opening equals the previous close in working time.
          const length = session!.endMs - session!.startMs;
          const b = session!.startMs + 1 + Math.floor(position * (length - 1));
          fc.pre(b >= a);
          const ms = workingMsBetween(formatInstant(a), formatInstant(b), calendar);
          expect(parseInstant(addWorkingMs(formatInstant(a), ms, calendar))).toBe(b);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('Given a <= b <= c, When working time is measured, Then it is additive', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 3, maxLength: 3 }), (xs) => {
        const [a, b, c] = [...xs].sort((x, y) => x - y).map(formatInstant) as [string, string, string];
        expect(workingMsBetween(a, c, calendar)).toBe(
          workingMsBetween(a, b, calendar) + workingMsBetween(b, c, calendar),
        );
      }),
      { numRuns: 200 },
    );
  });
});
