// The working-day calendar's shapes. All calendar reasoning is in Asia/Ho_Chi_Minh (UTC+7, no DST).

/** A civil date in Asia/Ho_Chi_Minh, `YYYY-MM-DD`. */
export type CivilDate = string;
/** An instant as ISO-8601 with an offset, e.g. `2025-01-24T16:59:00+07:00` or `...Z`. */
export type Instant = string;

/** Corrections on top of the statutory skeleton for one year (the Ministry of Home Affairs' yearly notice,
 * compensatory days, swapped Saturdays, local overrides). Data, never code. */
export type CalendarYearOverrides = Readonly<{
  year: number;
  /** Extra days off (e.g. Tết window days, the second Quốc khánh day, compensatory days). */
  holidays: readonly CivilDate[];
  /** Days worked although they are weekend days or skeleton holidays (swapped Saturdays). */
  workingDays: readonly CivilDate[];
  /** Official notices the overrides come from (số hiệu), for the record. */
  sources?: readonly string[];
}>;

/** Office sessions in local time, `HH:MM`, in order, not overlapping. Default 07:30–11:30, 13:30–17:00. */
export type OfficeHours = Readonly<{ sessions: ReadonlyArray<Readonly<{ start: string; end: string }>> }>;

export type TimeLimitUnit = 'working-days' | 'days' | 'working-hours';
export type TimeLimit = Readonly<{ value: number; unit: TimeLimitUnit }>;
