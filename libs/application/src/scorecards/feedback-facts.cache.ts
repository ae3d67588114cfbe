import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { FeedbackTable } from '@tracker/domain';
import { FEEDBACK_FACTS_SOURCE, type FeedbackFactsSource } from '../ports/feedback-facts.source.port';
import {
  FEEDBACK_TABLE_SNAPSHOTS,
  type FeedbackTableSnapshot,
  type FeedbackTableSnapshots,
} from '../ports/feedback-table.snapshots.port';
import { SnapshotSaving } from './snapshot-saving';

/**
 * Every feedback item's facts held in memory, refreshed incrementally from the feedback-facts projection's
 * change log, as DossierFactsCache holds the dossiers' (a snapshot on first use or after a reset). The
 * scorecard reads `current()` for 5.1, 5.2 and the 5.3 change.
 *
 * Like the dossiers' table, a process starts from the last snapshot of the items (FeedbackTableSnapshots,
 * one read instead of a scan of every document) and the change log after it; a snapshot of another
 * generation, one whose cursor the capped log no longer holds, or one that does not read back whole is
 * ignored for a full load.
 */
@Injectable()
export class FeedbackFactsCache {
  private readonly logger = new Logger('feedback-facts');
  private table = new FeedbackTable();
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;
  /** How the table was last loaded whole: from a snapshot, or from every document. */
  private loadedFrom?: 'snapshot' | 'documents';
  private readonly saving: SnapshotSaving<FeedbackTableSnapshot>;

  constructor(
    @Inject(FEEDBACK_FACTS_SOURCE) private readonly source: FeedbackFactsSource,
    @Optional() @Inject(FEEDBACK_TABLE_SNAPSHOTS) private readonly snapshots?: FeedbackTableSnapshots,
  ) {
    this.saving = new SnapshotSaving(this.logger, snapshots && ((s) => snapshots.save(s)));
  }

  /** All items' facts, current to the projection as of this call (a reset gives a new table). */
  async current(): Promise<FeedbackTable> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    await this.refreshing;
    return this.table;
  }

  get size(): number {
    return this.table.size;
  }

  get lastLoad(): 'snapshot' | 'documents' | undefined {
    return this.loadedFrom;
  }

  /** Resolves once no snapshot is being written. */
  async settled(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.saving.settled();
  }

  private async refresh(): Promise<void> {
    if (
      this.generation !== undefined &&
      this.applyChanges(await this.source.changesSince(this.generation, this.cursor))
    ) {
      this.saving.whenDue(this.snapshot);
      return;
    }
    if (this.generation === undefined && (await this.restore())) return;
    const snapshot = await this.source.snapshot();
    if (!snapshot) return;
    this.table = FeedbackTable.from(snapshot.facts);
    this.generation = snapshot.generation;
    this.cursor = snapshot.cursor;
    this.loadedFrom = 'documents';
    this.applyChanges(await this.source.changesSince(snapshot.generation, snapshot.cursor));
    this.saving.now(this.snapshot);
  }

  /** The last snapshot and the changes after it, when both are there; false for a full load. */
  private async restore(): Promise<boolean> {
    if (!this.snapshots) return false;
    const saved = await this.snapshots.load().catch((error: unknown) => {
      this.logger.warn(`snapshot not read: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    // A cursor of 0-0 cannot tell a trimmed log from an empty one.
    if (!saved || saved.cursor === '0-0') return false;
    const changes = await this.source.changesSince(saved.generation, saved.cursor);
    if (changes === 'reset') return false;
    this.table = FeedbackTable.from(saved.facts);
    this.generation = saved.generation;
    this.cursor = saved.cursor;
    this.loadedFrom = 'snapshot';
    this.saving.restored();
    this.applyChanges(changes);
    this.saving.whenDue(this.snapshot);
    return true;
  }

  private applyChanges(changes: Awaited<ReturnType<FeedbackFactsSource['changesSince']>>): boolean {
    if (changes === 'reset') return false;
    for (const f of changes.facts) this.table.upsert(f);
    this.cursor = changes.cursor;
    this.saving.changed(changes.facts.length);
    return true;
  }

  /** The items as they stand (they match the cursor now), for a snapshot. */
  private readonly snapshot = (): FeedbackTableSnapshot | undefined =>
    this.generation === undefined
      ? undefined
      : { generation: this.generation, cursor: this.cursor, facts: this.table.items.slice() };
}
