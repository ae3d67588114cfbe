// Scoring periods: calendar months, quarters and years in Asia/Ho_Chi_Minh (UTC+7, no DST), so every
// boundary is a local midnight = 17:00Z the day before. Instants are epoch ms; the last instant is the
// millisecond before the next period's start (instants carry ms precision).
import { DomainError } from '../core/event-sourcing.types';

export type PeriodKind = 'year' | 'quarter' | 'month';

export type Period = Readonly<{
  /** Canonical text: `2024`, `2024-Q2`, `2024-05`. */
  id: string;
  kind: PeriodKind;
  year: number;
  /** First month (1–12) of the period. */
  month: number;
  /** Number of months: 12, 3 or 1. */
  months: number;
  /** First instant, epoch ms. */
  start: number;
  /** Last instant, epoch ms. */
  last: number;
}>;

/** A period judged at `asOf`: `end = min(last, asOf)`. */
export type PeriodWindow = Period & Readonly<{ asOf: number; end: number }>;

const VN_OFFSET_MS = 7 * 3_600_000;
const PERIOD = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

const invalid = (period: unknown, why: string): DomainError =>
  new DomainError('INVALID_PERIOD', 'rule', `period ${JSON.stringify(period)} ${why}`, { period });

/** Epoch ms of local midnight on the 1st of `month` (1-based, may overflow into the next years). */
const monthStart = (year: number, month: number): number => Date.UTC(year, month - 1, 1) - VN_OFFSET_MS;

const make = (year: number, month: number, months: number, kind: PeriodKind): Period => {
  const id =
    kind === 'year'
      ? String(year)
      : kind === 'quarter'
        ? `${year}-Q${(month + 2) / 3}`
        : `${year}-${String(month).padStart(2, '0')}`;
  return {
    id,
    kind,
    year,
    month,
    months,
    start: monthStart(year, month),
    last: monthStart(year, month + months) - 1,
  };
};

/** Parse `2024`, `2024-Q2` or `2024-05`; anything else is a DomainError (rule, INVALID_PERIOD). */
export function parsePeriod(period: string): Period {
  const m = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (!m) throw invalid(period, 'must be YYYY, YYYY-Qn or YYYY-MM');
  const year = Number(m[1]);
  if (year < 1970) throw invalid(period, 'is before 1970');
  if (m[2] !== undefined) return make(year, (Number(m[2]) - 1) * 3 + 1, 3, 'quarter');
  if (m[3] !== undefined) return make(year, Number(m[3]), 1, 'month');
  return make(year, 1, 12, 'year');
}

/** The period judged at `asOf` (epoch ms): end = min(last instant, asOf). A period that begins after
 * `asOf` has no "as it stood" yet and is refused (rule, PERIOD_NOT_STARTED). */
export function periodWindow(period: string | Period, asOf: number): PeriodWindow {
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  if (!Number.isFinite(asOf)) throw new DomainError('INVALID_INSTANT', 'rule', 'asOf must be an instant');
  if (asOf < p.start) {
    throw new DomainError('PERIOD_NOT_STARTED', 'rule', `period ${p.id} begins after asOf`, { period: p.id });
  }
  return { ...p, asOf, end: Math.min(p.last, asOf) };
}

/** The quarter (e.g. `2024-Q2`) that holds the instant `ms`, in UTC+7. */
export function quarterOf(ms: number): string {
  const local = new Date(ms + VN_OFFSET_MS);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
}

/** The `n` quarters before `period`'s quarter (a year or month counts as the quarter of its last month),
 * oldest first, not including it: `previousQuarters('2024-Q2', 3)` → 2023-Q3, 2023-Q4, 2024-Q1. */
export function previousQuarters(period: string, n: number): string[] {
  const p = parsePeriod(period);
  if (!Number.isInteger(n) || n < 0) throw invalid(period, `cannot go back ${n} quarters`);
  // Quarter index since year 0 of the period's last month.
  const q = p.year * 4 + Math.floor((p.month + p.months - 2) / 3);
  const out: string[] = [];
  for (let i = q - n; i < q; i++) out.push(`${Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  return out;
}
