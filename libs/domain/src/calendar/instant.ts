import { DomainError } from '../core/event-sourcing.types';
import type { CivilDate, Instant } from './calendar.types';

// The one home of instants: parse, format, UTC+7 arithmetic. Asia/Ho_Chi_Minh has been a fixed UTC+7
// without DST since 1975, so plain epoch arithmetic with a constant shift is exact and needs no time-zone
// database. Instants are compared as epoch ms (offsets differ between writers) and written back with +07:00.
export const VN_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const CIVIL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_RE = /^(\d{2}):(\d{2})$/;

/** Epoch milliseconds of an ISO instant. An offset is mandatory: a bare local time would be read in the
 * process's zone, which is exactly the bug this module exists to avoid. */
export function parseInstant(instant: Instant): number {
  if (typeof instant !== 'string' || !INSTANT_RE.test(instant)) {
    throw new RangeError(`Not an ISO instant with an offset: ${String(instant)}`);
  }
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not a valid instant: ${instant}`);
  return ms;
}

/** Epoch ms of an ISO instant with offset, for the rules: a bad one is refused as INVALID_INSTANT (422)
 * naming the field, where parseInstant's RangeError is a programming error. */
export function instantMs(instant: Instant, field = 'occurredAt'): number {
  const ms = typeof instant === 'string' && INSTANT_RE.test(instant) ? Date.parse(instant) : NaN;
  if (!Number.isFinite(ms)) {
    throw new DomainError('INVALID_INSTANT', 'rule', `${field} must be an ISO-8601 instant with an offset`, {
      field,
      value: instant,
    });
  }
  return ms;
}

/** `YYYY-MM-DDTHH:mm:ss.sss+07:00`. */
export function formatInstant(ms: number): Instant {
  if (!Number.isFinite(ms)) throw new RangeError(`Not a finite instant: ${ms}`);
  return new Date(ms + VN_OFFSET_MS).toISOString().replace('Z', '+07:00');
}

/** The rules' name for formatInstant (ms → the calendar's format). */
export const instantFromMs = formatInstant;

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
export function epochDayOf(date: CivilDate): number {
  const m = CIVIL_DATE_RE.exec(date);
  if (!m) throw new RangeError(`Not a civil date YYYY-MM-DD: ${String(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC silently rolls 2025-02-30 over to March: reject instead.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`Not a calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

export function civilDateFromEpochDay(day: number): CivilDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: CivilDate, n: number): CivilDate {
  return civilDateFromEpochDay(epochDayOf(date) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CivilDate): number {
  return (((epochDayOf(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function yearOf(date: CivilDate): number {
  return Number(date.slice(0, 4));
}

/** The instant of local midnight opening the civil date. */
export function startOfDayMs(date: CivilDate): number {
  return epochDayOf(date) * DAY_MS - VN_OFFSET_MS;
}

export function civilDateOfMs(ms: number): CivilDate {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The civil date in Asia/Ho_Chi_Minh on which the instant falls. */
export function civilDateOf(instant: Instant): CivilDate {
  return civilDateOfMs(parseInstant(instant));
}

/** Minutes after local midnight of a `HH:MM` clock time; `24:00` is allowed (the end of the day). */
export function parseClock(time: string): number {
  const m = CLOCK_RE.exec(time);
  if (!m) throw new RangeError(`Not a clock time HH:MM: ${String(time)}`);
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) throw new RangeError(`Not a clock time: ${time}`);
  return h * 60 + min;
}

/** The instant at local `HH:MM` on the civil date (`24:00` gives the next day's 00:00). */
export function zonedInstant(date: CivilDate, time: string): Instant {
  return formatInstant(startOfDayMs(date) + parseClock(time) * MINUTE_MS);
}
