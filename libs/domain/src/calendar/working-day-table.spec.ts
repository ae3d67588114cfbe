import { defaultVietnamCalendar } from '@tracker/domain';
import { addDays, civilDateOfMs } from './instant';
import type { WorkingCalendar } from './working-calendar';
import { WorkingDayTable } from './working-time';

// The oracle: the plain day-by-day walk over civil dates that the table replaced (slow, obviously right).
function walkBetween(fromMs: number, toMs: number, calendar: WorkingCalendar): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  const last = civilDateOfMs(toMs);
  for (let d = civilDateOfMs(fromMs); d <= last; d = addDays(d, 1)) {
    for (const s of calendar.sessionsOn(d)) {
      const start = Math.max(s.startMs, fromMs);
      const end = Math.min(s.endMs, toMs);
      if (end > start) total += end - start;
    }
  }
  return total;
}

function walkAdd(fromMs: number, ms: number, calendar: WorkingCalendar): number {
  let remaining = ms;
  for (let day = civilDateOfMs(fromMs); ; day = addDays(day, 1)) {
    for (const s of calendar.sessionsOn(day)) {
      if (fromMs >= s.endMs) continue;
      const start = Math.max(fromMs, s.startMs);
      const available = s.endMs - start;
      if (remaining <= available) return start + remaining;
      remaining -= available;
    }
  }
}

describe('working-day table', () => {
  const calendar = defaultVietnamCalendar();
  // A pseudo-random walk (fixed seed) over 2024–2026: weekends, Tết, 30/4–1/5, 2/9, year boundaries.
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const FROM = Date.parse('2024-01-01T00:00:00+07:00');
  const SPAN = 3 * 365 * 86_400_000;
  const instant = () => FROM + Math.floor(random() * SPAN);
  // Exact session edges too: 07:30, 11:30, 13:30, 17:00 of random days.
  const edge = () => {
    const day = Math.floor(instant() / 86_400_000) * 86_400_000 - 7 * 3_600_000;
    return day + [7.5, 11.5, 13.5, 17, 0, 24][Math.floor(random() * 6)] * 3_600_000;
  };

  it('answers as a day-by-day walk over civil dates, whatever order the questions come in', () => {
    const table = new WorkingDayTable(calendar);
    for (let n = 0; n < 3_000; n++) {
      const a = n % 3 === 0 ? edge() : instant();
      const b = n % 5 === 0 ? edge() : a + Math.floor(random() * 60 * 86_400_000) - 5 * 86_400_000;
      expect(table.between(a, b)).toBe(walkBetween(a, b, calendar));
      const ms = n % 7 === 0 ? 0 : Math.floor(random() * 40 * 27_000_000);
      expect(table.add(a, ms)).toBe(walkAdd(a, ms, calendar));
    }
  });

  it('refuses negative working time', () => {
    expect(() => new WorkingDayTable(calendar).add(FROM, -1)).toThrow(RangeError);
  });
});
