// The feedback items' facts as a reader that scores often keeps them: by id, indexed by period (an item
// counts for a period when first received by its end and not finished for its last holder before its
// start), with the items naming a dossier as an append-only log for 5.3 (FactsTable.markSubjects). As in
// FactsTable, what the count reads sits in typed columns (NaN for none), each item's holdings side by side
// in a pool: the count of a period then reads numbers instead of chasing each item's objects.
import type { FeedbackFacts } from '../feedback/feedback-facts';
import type { SubjectMark } from './facts-table';
import { PeriodIndex, type PeriodBucket } from './period-index';

/** More than one rating: the latest up to asOf may be an earlier one, read from the item's facts. */
export const FB_RATINGS = 1;
/** The latest rating is unsatisfied. */
export const FB_LAST_UNSATISFIED = 2;

/** Per holding (pool slot), as feedbackOnTimeMs reads them. */
export const FEEDBACK_HOLDING_COLUMNS = [
  'receivedAt',
  'finishedAt',
  'rejectedOrForwardedAt',
  'rejectOrForwardBy',
  'firstInformationRequestAt',
  'informationRequestBy',
  'answeredAt',
  'answerBy',
  'publishedAt',
  'publishBy',
] as const;
type HoldingColumn = (typeof FEEDBACK_HOLDING_COLUMNS)[number];

export class FeedbackTable {
  /** Each row's item. */
  readonly items: FeedbackFacts[] = [];
  /** The items naming a dossier, in order of first sight (an item names its dossier at receipt). */
  readonly subjects: SubjectMark[] = [];
  /** Per row: its first holding's slot in the pool, its number of holdings and of slots it may use. */
  holdingStart = new Int32Array(16);
  holdingCount = new Int32Array(16);
  private holdingCap = new Int32Array(16);
  /** Per row: the latest rating's instant, when it was marked a repeat (NaN: none); FB_* flags. */
  lastRatingAt = new Float64Array(16);
  repeatMarkedAt = new Float64Array(16);
  flags = new Uint8Array(16);
  /** The holdings pool: one slot per holding; a holding's unit as an index into `unitIds`. */
  readonly holdings = {} as Record<HoldingColumn, Float64Array>;
  holdingUnit = new Int32Array(16);
  /** Interned unit ids of the holdings. */
  readonly unitIds: string[] = [];
  private pooled = 0;
  private readonly unitIdx = new Map<string, number>();
  private readonly rowOf = new Map<string, number>();
  private readonly period = new PeriodIndex();

  constructor() {
    for (const c of FEEDBACK_HOLDING_COLUMNS) this.holdings[c] = new Float64Array(16);
  }

  /** A table of these items, rows and holdings laid out in the period index's order (PeriodIndex.order):
   * a period's count then reads each bucket's rows side by side, as FactsTable.clustered() does. */
  static from(items: Iterable<FeedbackFacts>): FeedbackTable {
    const loaded = new FeedbackTable();
    for (const f of items) loaded.upsert(f);
    const table = new FeedbackTable();
    for (const row of loaded.period.order(loaded.size)) table.upsert(loaded.items[row]);
    return table;
  }

  get size(): number {
    return this.items.length;
  }

  /** Add an item's facts, or replace them (same id). */
  upsert(f: FeedbackFacts): void {
    let row = this.rowOf.get(f.id);
    if (row === undefined) {
      row = this.items.length;
      this.rowOf.set(f.id, row);
      this.items.push(f);
      if (f.dossierCode !== null) this.subjects.push({ dossierCode: f.dossierCode, at: f.receivedAt });
      if (row === this.holdingStart.length) this.growRows();
      this.holdingCap[row] = 0;
    } else this.items[row] = f;
    const hs = f.holdings;
    if (hs.length > this.holdingCap[row]) {
      // A forwarding adds a holding: the row moves to new slots at the pool's end (the old ones stay unused).
      const cap = Math.max(2, hs.length);
      while (this.pooled + cap > this.holdingUnit.length) this.growPool();
      this.holdingStart[row] = this.pooled;
      this.holdingCap[row] = cap;
      this.pooled += cap;
    }
    this.holdingCount[row] = hs.length;
    const c = this.holdings;
    for (let k = 0, s = this.holdingStart[row]; k < hs.length; k++, s++) {
      const h = hs[k];
      c.receivedAt[s] = h.receivedAt;
      c.finishedAt[s] = h.finishedAt ?? NaN;
      c.rejectedOrForwardedAt[s] = h.rejectedOrForwardedAt ?? NaN;
      c.rejectOrForwardBy[s] = h.rejectOrForwardBy;
      c.firstInformationRequestAt[s] = h.firstInformationRequestAt ?? NaN;
      c.informationRequestBy[s] = h.informationRequestBy;
      c.answeredAt[s] = h.answeredAt ?? NaN;
      c.answerBy[s] = h.answerBy;
      c.publishedAt[s] = h.publishedAt ?? NaN;
      // Compared as feedbackOnTimeAt compares it: a missing publishBy counts as 0 there (`null < end`).
      c.publishBy[s] = h.publishBy ?? 0;
      this.holdingUnit[s] = this.intern(h.unitId);
    }
    const ratings = f.ratings;
    const last = ratings.length > 0 ? ratings[ratings.length - 1] : null;
    this.lastRatingAt[row] = last === null ? NaN : last.at;
    this.repeatMarkedAt[row] = f.repeatMarkedAt ?? NaN;
    this.flags[row] =
      (ratings.length > 1 ? FB_RATINGS : 0) | (last !== null && !last.satisfied ? FB_LAST_UNSATISFIED : 0);
    const lastEnd = hs.length === 0 ? null : hs[hs.length - 1].finishedAt;
    this.period.set(row, hs.length === 0 ? NaN : hs[0].receivedAt, lastEnd ?? NaN);
  }

  /** The buckets of rows a period's count needs (PeriodIndex.candidates). */
  candidates(start: number, end: number): PeriodBucket[] {
    return this.period.candidates(start, end);
  }

  private intern(unitId: string): number {
    let k = this.unitIdx.get(unitId);
    if (k === undefined) {
      k = this.unitIds.length;
      this.unitIdx.set(unitId, k);
      this.unitIds.push(unitId);
    }
    return k;
  }

  private growRows(): void {
    const n = this.holdingStart.length * 2;
    const more = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.holdingStart = more(this.holdingStart, new Int32Array(n));
    this.holdingCount = more(this.holdingCount, new Int32Array(n));
    this.holdingCap = more(this.holdingCap, new Int32Array(n));
    this.lastRatingAt = more(this.lastRatingAt, new Float64Array(n));
    this.repeatMarkedAt = more(this.repeatMarkedAt, new Float64Array(n));
    this.flags = more(this.flags, new Uint8Array(n));
  }

  private growPool(): void {
    const n = this.holdingUnit.length * 2;
    for (const c of FEEDBACK_HOLDING_COLUMNS) {
      const b = new Float64Array(n);
      b.set(this.holdings[c]);
      this.holdings[c] = b;
    }
    const u = new Int32Array(n);
    u.set(this.holdingUnit);
    this.holdingUnit = u;
  }
}
