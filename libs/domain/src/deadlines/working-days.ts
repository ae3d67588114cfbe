// Working time over a calendar, by day number instead of civil-date strings, with the working time before
// each day summed once: planning a ladder asks "how much working time between these instants" and "when has
// this much elapsed" for every dossier, over the same few months of days. The answers are exactly those of
// workingMsBetweenMs and addWorkingMsMs (working-time.ts; the ladder spec checks them against each other).
import { civilDateFromEpochDay, DAY_MS, VN_OFFSET_MS } from '../calendar/instant';
import type { SessionSpan, WorkingCalendar } from '../calendar/working-calendar';

// A run of non-working days longer than this means broken calendar data (as in working-time.ts).
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

  /** workingMsBetweenMs: only session time on working days counts; 0 if `to <= from`. */
  between(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    this.index(dayOfMs(fromMs)); // grow first: growing to the past shifts what elapsed() counts from
    this.index(dayOfMs(toMs));
    return this.elapsed(toMs) - this.elapsed(fromMs);
  }

  /** addWorkingMsMs: the earliest instant at which `ms` of working time has elapsed since `fromMs`. */
  add(fromMs: number, ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Working time must be finite and >= 0: ${ms}`);
    let remaining = ms;
    let i = this.index(dayOfMs(fromMs));
    let idle = 0;
    for (;;) {
      const sessions = this.sessions[i];
      if (sessions.length === 0 && ++idle > MAX_DAYS_WITHOUT_WORK) {
        throw new RangeError(`No working day within ${MAX_DAYS_WITHOUT_WORK} days of ${fromMs}`);
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
export function workingDayTable(calendar: WorkingCalendar): WorkingDayTable {
  let table = TABLES.get(calendar);
  if (!table) TABLES.set(calendar, (table = new WorkingDayTable(calendar)));
  return table;
}
