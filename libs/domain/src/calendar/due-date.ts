import type { Instant, TimeLimit } from './calendar.types';
import { DAY_MS, addDays, civilDateOfMs, formatInstant, parseInstant, startOfDayMs } from './instant';
import type { SessionSpan, WorkingCalendar } from './working-calendar';
import { addWorkingMsMs } from './working-time';

const HOUR_MS = 3_600_000;

/**
 * The instant from which a time limit runs (Thanh Hóa practice, one-stop-shop.md §b.3): during a session
 * it is the receipt itself; before opening, the opening; during lunch, the afternoon opening; at or after
 * the afternoon close, or on a non-working day, the next working day's opening (the next year's calendar
 * is consulted when that is across 1/1). Sessions are half-open, so 17:00 sharp is already "after close".
 */
export function normaliseIntake(receivedAt: Instant, calendar: WorkingCalendar): Instant {
  return formatInstant(normaliseIntakeMs(parseInstant(receivedAt), calendar));
}

export function normaliseIntakeMs(ms: number, calendar: WorkingCalendar): number {
  const day = civilDateOfMs(ms);
  for (const s of calendar.sessionsOn(day)) {
    if (ms < s.startMs) return s.startMs;
    if (ms < s.endMs) return ms;
  }
  return firstSession(calendar.nextWorkingDay(day), calendar).startMs;
}

/**
 * The due instant of a time limit, counted from the normalised intake.
 * - `working-days` N (whole): N working days later at the same local time of day, hence in the same
 *   session; a swapped Saturday counts. 0: the end of the intake's session (e-par: morning → morning).
 *   0.5: the end of the following session (morning → same afternoon close, afternoon → next working
 *   morning close, e-par). N.5 applies the half-day rule after the N days. Any other fraction (chosen:
 *   the law is silent) adds that fraction of a full working day as working time.
 * - `working-hours` N: N hours of session time later (the earliest such instant, see addWorkingMs).
 * - `days` N (Civil Code 2015 Art. 147–148): the intake day is not counted; the limit ends at 24:00 of
 *   the N-th day, returned as the next day's 00:00+07:00; if that day is not a working day it ends at
 *   24:00 of the next working day. Counted from the normalised intake day (chosen: a dossier received
 *   after hours is received the next working day). Whole days only.
 */
export function computeDueAt(receivedAt: Instant, limit: TimeLimit, calendar: WorkingCalendar): Instant {
  const { value, unit } = limit;
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`Time limit must be finite and >= 0: ${value}`);
  const start = normaliseIntakeMs(parseInstant(receivedAt), calendar);

  switch (unit) {
    case 'working-hours':
      return formatInstant(addWorkingMsMs(start, value * HOUR_MS, calendar));

    case 'days': {
      if (!Number.isInteger(value)) throw new RangeError(`Calendar-day limits are whole days: ${value}`);
      let lastDay = addDays(civilDateOfMs(start), value);
      if (!calendar.isWorkingDay(lastDay)) lastDay = calendar.nextWorkingDay(lastDay);
      return formatInstant(startOfDayMs(addDays(lastDay, 1)));
    }

    case 'working-days': {
      const whole = Math.floor(value);
      const fraction = value - whole;
      let t = start;
      if (whole > 0) {
        const day = civilDateOfMs(start);
        t = startOfDayMs(calendar.addWorkingDays(day, whole)) + (start - startOfDayMs(day));
      }
      if (fraction === 0) return formatInstant(whole === 0 ? sessionContaining(t, calendar).endMs : t);
      if (fraction === 0.5) return formatInstant(nextSessionEnd(t, calendar));
      return formatInstant(addWorkingMsMs(t, fraction * calendar.workingDayMs, calendar));
    }

    default: {
      const never: never = unit;
      throw new RangeError(`Unknown time-limit unit: ${String(never)}`);
    }
  }
}

/**
 * The last instant at which an apology (thư xin lỗi) with a new appointment may be issued: one working day
 * before the due date, i.e. the same local time on the previous working day (Lâm Hà practice; HCMC allows
 * the due day itself, so this is the stricter reading). A due time of 00:00 means 24:00 of the day before
 * (calendar-day limits), so it maps to 24:00 of the working day before that day.
 */
export function latestApologyAt(dueAt: Instant, calendar: WorkingCalendar): Instant {
  const due = parseInstant(dueAt);
  let day = civilDateOfMs(due);
  let timeOfDay = due - startOfDayMs(day);
  if (timeOfDay === 0) {
    day = addDays(day, -1);
    timeOfDay = DAY_MS;
  }
  return formatInstant(startOfDayMs(calendar.previousWorkingDay(day)) + timeOfDay);
}

function firstSession(day: string, calendar: WorkingCalendar): SessionSpan {
  const first = calendar.sessionsOn(day)[0];
  if (!first) throw new RangeError(`${day} has no office session`);
  return first;
}

/** The session a normalised instant lies in (normalisation guarantees there is one). */
function sessionContaining(ms: number, calendar: WorkingCalendar): SessionSpan {
  const s = calendar.sessionsOn(civilDateOfMs(ms)).find((x) => x.startMs <= ms && ms < x.endMs);
  if (!s) throw new RangeError(`${formatInstant(ms)} is not inside an office session`);
  return s;
}

function nextSessionEnd(ms: number, calendar: WorkingCalendar): number {
  const day = civilDateOfMs(ms);
  const current = sessionContaining(ms, calendar);
  const following = calendar.sessionsOn(day)[current.index + 1];
  return following ? following.endMs : firstSession(calendar.nextWorkingDay(day), calendar).endMs;
}
