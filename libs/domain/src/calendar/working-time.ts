// Working time over a calendar: the one implementation. Only session time on working days counts. It works
// by day number with the working time before each day summed once per calendar (a table that grows as
// questions reach further), so "how much working time between these instants" and "when has this much
// elapsed" cost a lookup plus one day's sessions: due dates, the deadline ladder, the board and the
// dossier page all ask here.
import type { Instant } from './calendar.types';
import { civilDateFromEpochDay, DAY_MS, formatInstant, parseInstant, VN_OFFSET_MS } from './instant';
import type { SessionSpan, WorkingCalendar } from './working-calendar';

// A run of non-working days longer than this means broken calendar data, not a real year.
const MAX_DAYS_WITHOUT_WORK = 400;
/** Days added on each side when a question falls outside the table. */
const GROW_DAYS = 92;

const dayOfMs = (ms: number): number => Math.floor((ms + VN_OFFSET_MS) / DAY_MS);

/** Working time of one calendar, day by day (the calendar is immutable, so the table never goes stale). */
export class WorkingDayTable {
  private first = 0;
  /** sessions[i]: the sessions of day `first + i`. */
  private sessions: (readonly SessionSpan[])[] = [];
  /** before[i]: working ms from the start of day `first` to the start of day `first + i` (one more entry). */
  private before: number[] = [0];

  constructor(private readonly calendar: WorkingCalendar) {}

  /** Working ms from the start of the table to `ms` (a difference of two is the time between them). */
  private elapsed(ms: number): number {
    const i = this.index(dayOfMs(ms));
    let total = this.before[i];
    for (const s of this.sessions[i]) {
      if (ms <= s.startMs) break;
      total += Math.min(ms, s.endMs) - s.startMs;
    }
    return total;
  }

  /** Working ms between two instants; 0 if `to <= from`. */
  between(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    this.index(dayOfMs(fromMs)); // grow first: growing to the past shifts what elapsed() counts from
    this.index(dayOfMs(toMs));
    return this.elapsed(toMs) - this.elapsed(fromMs);
  }

  /**
   * The earliest instant at which `ms` of working time has elapsed since `fromMs`. Ending exactly at a
   * session's close returns that close (11:30), not the next opening (13:30): both are the same working
   * time, and the close is what an appointment slip would print. `ms = 0` from outside office hours gives
   * the next opening.
   */
  add(fromMs: number, ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Working time must be finite and >= 0: ${ms}`);
    let remaining = ms;
    let i = this.index(dayOfMs(fromMs));
    let idle = 0;
    for (;;) {
      const sessions = this.sessions[i];
      if (sessions.length === 0 && ++idle > MAX_DAYS_WITHOUT_WORK) {
        throw new RangeError(
          `No working day within ${MAX_DAYS_WITHOUT_WORK} days of ${formatInstant(fromMs)}`,
        );
      }
      if (sessions.length > 0) idle = 0;
      // A whole day after the first that cannot hold the rest is skipped in one step.
      const whole = this.before[i + 1] - this.before[i];
      if (sessions.length > 0 && (fromMs >= sessions[0].startMs || remaining <= whole)) {
        for (const s of sessions) {
          if (fromMs >= s.endMs) continue;
          const start = Math.max(fromMs, s.startMs);
          const available = s.endMs - start;
          if (remaining <= available) return start + remaining;
          remaining -= available;
        }
      } else {
        remaining -= whole;
      }
      i = this.index(this.first + i + 1);
    }
  }

  /** The table index of a day number, growing the table to hold it. */
  private index(day: number): number {
    if (this.sessions.length === 0) {
      this.first = day;
      this.append(day, day + GROW_DAYS);
    }
    if (day < this.first) this.prepend(Math.min(day, this.first - GROW_DAYS));
    const last = this.first + this.sessions.length;
    if (day >= last) this.append(last, Math.max(day + 1, last + GROW_DAYS));
    return day - this.first;
  }

  private spans(from: number, to: number): (readonly SessionSpan[])[] {
    const out: (readonly SessionSpan[])[] = [];
    for (let d = from; d < to; d++) out.push(this.calendar.sessionsOn(civilDateFromEpochDay(d)));
    return out;
  }

  private append(from: number, to: number): void {
    for (const day of this.spans(from, to)) {
      this.sessions.push(day);
      this.before.push(this.before[this.before.length - 1] + sum(day));
    }
  }

  private prepend(from: number): void {
    const days = this.spans(from, this.first);
    const before = [0];
    for (const day of days) before.push(before[before.length - 1] + sum(day));
    const shift = before.pop()!;
    this.sessions = [...days, ...this.sessions];
    this.before = [...before, ...this.before.map((b) => b + shift)];
    this.first = from;
  }
}

const sum = (sessions: readonly SessionSpan[]): number =>
  sessions.reduce((total, s) => total + (s.endMs - s.startMs), 0);

const TABLES = new WeakMap<WorkingCalendar, WorkingDayTable>();
/** The table of a calendar (calendars are immutable, so one table per calendar serves every caller). */
export function workingDayTable(calendar: WorkingCalendar): WorkingDayTable {
  let table = TABLES.get(calendar);
  if (!table) TABLES.set(calendar, (table = new WorkingDayTable(calendar)));
  return table;
}

/** Working time in ms between two instants: only session time on working days counts; 0 if `to <= from`. */
export function workingMsBetween(from: Instant, to: Instant, calendar: WorkingCalendar): number {
  return workingMsBetweenMs(parseInstant(from), parseInstant(to), calendar);
}

export const workingMsBetweenMs = (fromMs: number, toMs: number, calendar: WorkingCalendar): number =>
  workingDayTable(calendar).between(fromMs, toMs);

/** The earliest instant at which `ms` of working time has elapsed since `from` (see WorkingDayTable.add).
 * Used for due dates in hours and for the "50 % / 75 % elapsed" alerts. */
export function addWorkingMs(from: Instant, ms: number, calendar: WorkingCalendar): Instant {
  return formatInstant(addWorkingMsMs(parseInstant(from), ms, calendar));
}

export const addWorkingMsMs = (fromMs: number, ms: number, calendar: WorkingCalendar): number =>
  workingDayTable(calendar).add(fromMs, ms);
