import { Inject, Injectable } from '@nestjs/common';
import { FeedbackTable } from '@tracker/domain';
import { FEEDBACK_FACTS_SOURCE, type FeedbackFactsSource } from '../ports/feedback-facts.source.port';

/**
 * Every feedback item's facts held in memory, refreshed incrementally from the feedback-facts projection's
 * change log, as DossierFactsCache holds the dossiers' (a snapshot on first use or after a reset). The
 * scorecard reads `current()` for 5.1, 5.2 and the 5.3 change.
 */
@Injectable()
export class FeedbackFactsCache {
  private table = new FeedbackTable();
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;

  constructor(@Inject(FEEDBACK_FACTS_SOURCE) private readonly source: FeedbackFactsSource) {}

  /** All items' facts, current to the projection as of this call (a reset gives a new table). */
  async current(): Promise<FeedbackTable> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    await this.refreshing;
    return this.table;
  }

  get size(): number {
    return this.table.size;
  }

  private async refresh(): Promise<void> {
    if (
      this.generation !== undefined &&
      this.applyChanges(await this.source.changesSince(this.generation, this.cursor))
    ) {
      return;
    }
    const snapshot = await this.source.snapshot();
    if (!snapshot) return;
    this.table = FeedbackTable.from(snapshot.facts);
    this.generation = snapshot.generation;
    this.cursor = snapshot.cursor;
    this.applyChanges(await this.source.changesSince(snapshot.generation, snapshot.cursor));
  }

  private applyChanges(changes: Awaited<ReturnType<FeedbackFactsSource['changesSince']>>): boolean {
    if (changes === 'reset') return false;
    for (const f of changes.facts) this.table.upsert(f);
    this.cursor = changes.cursor;
    return true;
  }
}
