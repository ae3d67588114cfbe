import type { Instant } from './calendar.types';
import { addDays, civilDateOfMs, formatInstant, parseInstant } from './instant';
import type { WorkingCalendar } from './working-calendar';

// A run of non-working days longer than this means broken calendar data, not a real year.
const MAX_DAYS_WITHOUT_WORK = 400;

/** Working time in ms between two instants: only session time on working days counts; 0 if `to <= from`. */
export function workingMsBetween(from: Instant, to: Instant, calendar: WorkingCalendar): number {
  return workingMsBetweenMs(parseInstant(from), parseInstant(to), calendar);
}

export function workingMsBetweenMs(fromMs: number, toMs: number, calendar: WorkingCalendar): number {
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

/**
 * The earliest instant at which `ms` of working time has elapsed since `from`. Ending exactly at a
 * session's close returns that close (11:30), not the next opening (13:30): both are the same working
 * time, and the close is what an appointment slip would print. `ms = 0` from outside office hours gives
 * the next opening. Used for due dates in hours and for the "50 % / 75 % elapsed" alerts.
 */
export function addWorkingMs(from: Instant, ms: number, calendar: WorkingCalendar): Instant {
  return formatInstant(addWorkingMsMs(parseInstant(from), ms, calendar));
}

export function addWorkingMsMs(fromMs: number, ms: number, calendar: WorkingCalendar): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Working time must be finite and >= 0: ${ms}`);
  let remaining = ms;
  let day = civilDateOfMs(fromMs);
  let idle = 0;
  for (;;) {
    const sessions = calendar.sessionsOn(day);
    if (sessions.length === 0 && ++idle > MAX_DAYS_WITHOUT_WORK) {
      throw new RangeError(`No working day within ${MAX_DAYS_WITHOUT_WORK} days of ${formatInstant(fromMs)}`);
    }
    if (sessions.length > 0) idle = 0;
    for (const s of sessions) {
      if (fromMs >= s.endMs) continue;
      const start = Math.max(fromMs, s.startMs);
      const available = s.endMs - start;
      if (remaining <= available) return start + remaining;
      remaining -= available;
    }
    day = addDays(day, 1);
  }
}
