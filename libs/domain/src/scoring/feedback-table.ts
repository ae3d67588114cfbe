// The feedback items' facts as a reader that scores often keeps them: by id, indexed by period (an item
// counts for a period when first received by its end and not finished for its last holder before its
// start), with the items naming a dossier as an append-only log for 5.3 (FactsTable.markSubjects).
import type { FeedbackFacts } from '../feedback/feedback-facts';
import type { SubjectMark } from './facts-table';
import { PeriodIndex, type PeriodBucket } from './period-index';

export class FeedbackTable {
  /** Each row's item. */
  readonly items: FeedbackFacts[] = [];
  /** The items naming a dossier, in order of first sight (an item names its dossier at receipt). */
  readonly subjects: SubjectMark[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly period = new PeriodIndex();

  static from(items: Iterable<FeedbackFacts>): FeedbackTable {
    const table = new FeedbackTable();
    for (const f of items) table.upsert(f);
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
    } else this.items[row] = f;
    const hs = f.holdings;
    const lastEnd = hs.length === 0 ? null : hs[hs.length - 1].finishedAt;
    this.period.set(row, hs.length === 0 ? NaN : hs[0].receivedAt, lastEnd ?? NaN);
  }

  /** The buckets of rows a period's count needs (PeriodIndex.candidates). */
  candidates(start: number, end: number): PeriodBucket[] {
    return this.period.candidates(start, end);
  }
}
