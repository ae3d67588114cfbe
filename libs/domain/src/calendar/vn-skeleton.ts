import Holidays from 'date-holidays';
import type { CivilDate } from './calendar.types';
import { DAY_MS, addDays, dayOfWeek } from './instant';

/** The statutory skeleton of one year, before the yearly notice is applied. */
export type SkeletonYear = Readonly<{
  year: number;
  /** Art. 112(1) days as date-holidays generates them (plus VN_STATUTORY_ADDITIONS), with their names. */
  statutory: ReadonlyMap<CivilDate, string>;
  /** Art. 111(3): a statutory day on Saturday or Sunday is taken on the next working day. */
  compensatory: ReadonlySet<CivilDate>;
}>;

/** Statutory days off that date-holidays 3.37 does not know yet, as data. `compensated: false` because
 * Art. 111(3) only reaches the days of Art. 112(1), which this one is not (it is in a separate resolution). */
export const VN_STATUTORY_ADDITIONS: ReadonlyArray<
  Readonly<{ monthDay: string; fromYear: number; name: string; compensated: boolean }>
> = Object.freeze([
  // Nghị quyết 28/2026/QH16 Art. 2, in force 1/7/2026 (confirmed only through third-party reproductions).
  { monthDay: '11-24', fromYear: 2026, name: 'Ngày Văn hóa Việt Nam', compensated: false },
]);

let generator: Holidays | undefined;
const cache = new Map<number, SkeletonYear>();

const isWeekend = (date: CivilDate): boolean => {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
};

/**
 * The Vietnamese skeleton for a year: 1/1, Tết (date-holidays: 5 days from the day before mùng 1, on the
 * Vietnamese UTC+7 lunar calendar), Giỗ Tổ 10/3 lunar, 30/4, 1/5, 2/9, from 2026 24/11 (additions
 * above), plus Art. 111(3) compensatory days. It has no second Quốc khánh day and its Tết window is not
 * the civil-service one: the yearly overrides correct both. Pure and deterministic, so cached per year for the whole process.
 */
export function vietnamSkeleton(year: number): SkeletonYear {
  if (!Number.isInteger(year) || year < 1976 || year > 2199) {
    throw new RangeError(`Year outside the supported range 1976–2199: ${year}`);
  }
  const hit = cache.get(year);
  if (hit) return hit;

  generator ??= new Holidays('VN');
  const statutory = new Map<CivilDate, string>();
  for (const h of generator.getHolidays(year)) {
    if (h.type !== 'public') continue;
    // `date` is already local ("YYYY-MM-DD 00:00:00"); start/end give the span (Tết lasts 5 days).
    const first = h.date.slice(0, 10);
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
    for (let i = 0; i < days; i++) {
      const d = addDays(first, i);
      // A one-day holiday's own name (mùng 1 "Tết Nguyên Đán") beats the 5-day window's ("Giao thừa…").
      if (days === 1 || !statutory.has(d)) statutory.set(d, h.name);
    }
  }

  const uncompensated = new Set<CivilDate>();
  for (const a of VN_STATUTORY_ADDITIONS) {
    const d = `${year}-${a.monthDay}`;
    if (year < a.fromYear || statutory.has(d)) continue;
    statutory.set(d, a.name);
    if (!a.compensated) uncompensated.add(d);
  }

  const compensatory = new Set<CivilDate>();
  for (const d of [...statutory.keys()].sort()) {
    if (!isWeekend(d) || uncompensated.has(d)) continue;
    let c = addDays(d, 1);
    while (isWeekend(c) || statutory.has(c) || compensatory.has(c)) c = addDays(c, 1);
    compensatory.add(c);
  }

  const skeleton: SkeletonYear = { year, statutory, compensatory };
  cache.set(year, skeleton);
  return skeleton;
}
