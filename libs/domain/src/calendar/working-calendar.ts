import type { CalendarYearOverrides, CivilDate, OfficeHours } from './calendar.types';
import { MINUTE_MS, addDays, dayOfWeek, epochDayOf, parseClock, startOfDayMs, yearOf } from './instant';
import { vietnamSkeleton } from './vn-skeleton';

/** The usual one-stop-shop hours (07:30–11:30, 13:30–17:00). */
export const VN_DEFAULT_OFFICE_HOURS: OfficeHours = Object.freeze({
  sessions: Object.freeze([
    Object.freeze({ start: '07:30', end: '11:30' }),
    Object.freeze({ start: '13:30', end: '17:00' }),
  ]),
});

/** A session of one day as absolute epoch milliseconds, `[startMs, endMs)`. */
export type SessionSpan = Readonly<{ index: number; startMs: number; endMs: number }>;

type YearCorrections = Readonly<{ holidays: ReadonlySet<CivilDate>; workingDays: ReadonlySet<CivilDate> }>;
type SessionMinutes = Readonly<{ start: number; end: number }>;

// Beyond this many consecutive days off, the calendar data is broken (no real year has one).
const MAX_DAYS_OFF_IN_A_ROW = 400;

/**
 * The working-day calendar: Monday–Friday, minus the statutory skeleton's holidays and compensatory
 * days, corrected per year by `CalendarYearOverrides` (overrides win over the skeleton both ways).
 * Immutable: "changing" it means building a new one; the per-year skeleton is computed lazily and cached.
 */
export class WorkingCalendar {
  private readonly corrections: ReadonlyMap<number, YearCorrections>;
  private readonly sessionMinutes: readonly SessionMinutes[];

  private constructor(
    private readonly overrides: readonly CalendarYearOverrides[],
    readonly officeHours: OfficeHours,
  ) {
    const corrections = new Map<number, YearCorrections>();
    for (const o of overrides) {
      if (corrections.has(o.year)) throw new RangeError(`Two override sets for ${o.year}`);
      for (const d of [...o.holidays, ...o.workingDays]) {
        epochDayOf(d); // validates the format
        if (yearOf(d) !== o.year) throw new RangeError(`${d} is not in the override year ${o.year}`);
      }
      const holidays = new Set(o.holidays);
      const both = o.workingDays.filter((d) => holidays.has(d));
      if (both.length)
        throw new RangeError(`Both a holiday and a working day in ${o.year}: ${both.join(', ')}`);
      corrections.set(o.year, { holidays, workingDays: new Set(o.workingDays) });
    }
    this.corrections = corrections;
    this.sessionMinutes = validateOfficeHours(officeHours);
  }

  static fromOverrides(
    overrides: readonly CalendarYearOverrides[],
    officeHours: OfficeHours = VN_DEFAULT_OFFICE_HOURS,
  ): WorkingCalendar {
    const copy = overrides.map((o) =>
      Object.freeze({
        ...o,
        holidays: Object.freeze([...o.holidays]),
        workingDays: Object.freeze([...o.workingDays]),
      }),
    );
    return new WorkingCalendar(Object.freeze(copy), officeHours);
  }

  /** The overrides this calendar was built from, sorted by year (e.g. to persist them). */
  yearOverrides(): readonly CalendarYearOverrides[] {
    return [...this.overrides].sort((a, b) => a.year - b.year);
  }

  /** A new calendar where `year`'s overrides are replaced (the admin `PUT /api/calendar/{year}`). */
  withYearOverrides(overrides: CalendarYearOverrides): WorkingCalendar {
    const others = this.overrides.filter((o) => o.year !== overrides.year);
    return WorkingCalendar.fromOverrides([...others, overrides], this.officeHours);
  }

  /** A new calendar with other office hours and the same days. */
  withOfficeHours(officeHours: OfficeHours): WorkingCalendar {
    return WorkingCalendar.fromOverrides(this.overrides, officeHours);
  }

  isWorkingDay(date: CivilDate): boolean {
    const year = yearOf(date);
    const c = this.corrections.get(year);
    if (c?.workingDays.has(date)) return true;
    if (c?.holidays.has(date)) return false;
    const dow = dayOfWeek(date);
    if (dow === 0 || dow === 6) return false;
    const skeleton = vietnamSkeleton(year);
    return !skeleton.statutory.has(date) && !skeleton.compensatory.has(date);
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: CivilDate): CivilDate {
    return this.step(date, 1);
  }

  /** The last working day strictly before `date`. */
  previousWorkingDay(date: CivilDate): CivilDate {
    return this.step(date, -1);
  }

  /** `n` working days after (n > 0) or before (n < 0) `date`, which need not itself be a working day;
   * `n = 0` returns `date` unchanged. */
  addWorkingDays(date: CivilDate, n: number): CivilDate {
    if (!Number.isInteger(n)) throw new RangeError(`Whole working days only: ${n}`);
    let d = date;
    for (let i = 0; i < Math.abs(n); i++) d = this.step(d, n > 0 ? 1 : -1);
    return d;
  }

  /** The office sessions of `date` as absolute instants; none on a non-working day. */
  sessionsOn(date: CivilDate): readonly SessionSpan[] {
    if (!this.isWorkingDay(date)) return [];
    const midnight = startOfDayMs(date);
    return this.sessionMinutes.map((s, index) => ({
      index,
      startMs: midnight + s.start * MINUTE_MS,
      endMs: midnight + s.end * MINUTE_MS,
    }));
  }

  /** Working milliseconds in one full working day (8 h with the default hours). */
  get workingDayMs(): number {
    return this.sessionMinutes.reduce((sum, s) => sum + (s.end - s.start) * MINUTE_MS, 0);
  }

  private step(date: CivilDate, direction: 1 | -1): CivilDate {
    let d = date;
    for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
      d = addDays(d, direction);
      if (this.isWorkingDay(d)) return d;
    }
    throw new RangeError(`No working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${date}`);
  }
}

function validateOfficeHours(officeHours: OfficeHours): readonly SessionMinutes[] {
  const sessions = officeHours.sessions.map((s) => ({ start: parseClock(s.start), end: parseClock(s.end) }));
  if (sessions.length === 0) throw new RangeError('Office hours need at least one session');
  let previousEnd = -1;
  for (const s of sessions) {
    if (s.start >= s.end) throw new RangeError(`Empty or inverted session ${s.start}–${s.end} minutes`);
    // Touching sessions would make "which session?" ambiguous at the boundary; merge them instead.
    if (s.start <= previousEnd)
      throw new RangeError('Office sessions must be in order and not touch or overlap');
    previousEnd = s.end;
  }
  return Object.freeze(sessions);
}
