import { Inject, Injectable, Optional } from '@nestjs/common';
import { FeedbackFacts, FeedbackTable } from '@tracker/domain';
import { FEEDBACK_FACTS_SOURCE, type FeedbackFactsSource } from '../ports/feedback-facts.source.port';
import {
  FEEDBACK_TABLE_SNAPSHOTS,
  type FeedbackTableSnapshot,
  type FeedbackTableSnapshots,
} from '../ports/feedback-table.snapshots.port';
import { FactsCache, LoadedTable } from './facts-cache';

/**
 * Every feedback item's facts held in memory, refreshed and saved as FactsCache says, from the snapshots of
 * FeedbackTableSnapshots. The scorecard reads `current()` for 5.1, 5.2 and the 5.3 change.
 */
@Injectable()
export class FeedbackFactsCache extends FactsCache<FeedbackFacts, FeedbackTable, FeedbackTableSnapshot> {
  constructor(
    @Inject(FEEDBACK_FACTS_SOURCE) source: FeedbackFactsSource,
    @Optional() @Inject(FEEDBACK_TABLE_SNAPSHOTS) snapshots?: FeedbackTableSnapshots,
  ) {
    super('feedback-facts', source, snapshots, new FeedbackTable());
  }

  protected async loadDocuments(): Promise<LoadedTable<FeedbackTable> | undefined> {
    const snapshot = await this.source.snapshot();
    if (!snapshot) return undefined;
    return {
      table: FeedbackTable.from(snapshot.facts),
      generation: snapshot.generation,
      cursor: snapshot.cursor,
    };
  }

  protected tableOf(saved: FeedbackTableSnapshot): FeedbackTable {
    return FeedbackTable.from(saved.facts);
  }

  protected saved(table: FeedbackTable, generation: number, cursor: string): FeedbackTableSnapshot {
    return { generation, cursor, facts: table.items.slice() };
  }
}
