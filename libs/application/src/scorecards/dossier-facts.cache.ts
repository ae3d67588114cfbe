import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { FactsTable } from '@tracker/domain';
import { DOSSIER_FACTS_SOURCE, DossierFactsSource } from '../ports/dossier-facts.source.port';
import {
  FACTS_TABLE_SNAPSHOTS,
  FactsTableSnapshot,
  FactsTableSnapshots,
} from '../ports/facts-table.snapshots.port';
import { SnapshotSaving } from './snapshot-saving';

/**
 * Every dossier's facts in memory, in the scoring method's column layout, so a scorecard is a scan of typed
 * arrays (a quarter over a million dossiers in tens of milliseconds) rather than a million Redis reads.
 * Each read first applies the projection's change log since the last one, so scorecards are live; a
 * rebuilt generation or a trimmed log reloads everything.
 *
 * A process starts from the table's last snapshot (one read, FactsTableSnapshots) and the change log after
 * it, rather than from every document: a snapshot of another generation, one whose cursor the capped log
 * no longer holds, or one that does not read back whole, is ignored for a full load. The table is saved
 * after a full load and then as it changes (SnapshotSaving), off the request's path.
 */
@Injectable()
export class DossierFactsCache {
  private readonly logger = new Logger('dossier-facts');
  private table = new FactsTable();
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;
  /** How the table was last loaded whole: from a snapshot, or from every document. */
  private loadedFrom?: 'snapshot' | 'documents';
  private readonly saving: SnapshotSaving<FactsTableSnapshot>;

  constructor(
    @Inject(DOSSIER_FACTS_SOURCE) private readonly source: DossierFactsSource,
    @Optional() @Inject(FACTS_TABLE_SNAPSHOTS) private readonly snapshots?: FactsTableSnapshots,
  ) {
    this.saving = new SnapshotSaving(this.logger, snapshots && ((s) => snapshots.save(s)));
  }

  /** All facts, current to the projection as of this call. */
  async current(): Promise<FactsTable> {
    // Concurrent requests share one refresh.
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
    // Page by page: a million documents never sit in memory at once.
    const table = new FactsTable();
    const snapshot = await this.source.snapshot((page) => {
      for (const f of page) table.upsert(f);
    });
    if (!snapshot) return;
    // Read in hash order: regrouped so that a period's rows sit side by side (FactsTable.image()).
    this.table = table.clustered();
    this.generation = snapshot.generation;
    this.cursor = snapshot.cursor;
    this.loadedFrom = 'documents';
    // What changed while the snapshot was being read.
    this.applyChanges(await this.source.changesSince(snapshot.generation, snapshot.cursor));
    this.saving.now(this.snapshot);
  }

  /** The last snapshot and the changes after it, when both are there; false for a full load. */
  private async restore(): Promise<boolean> {
    if (!this.snapshots) return false;
    const saved = await this.snapshots.load().catch((error: unknown) => {
      this.logger.warn(`facts snapshot not read: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    // A cursor of 0-0 cannot tell a trimmed log from an empty one.
    if (!saved || saved.cursor === '0-0') return false;
    const changes = await this.source.changesSince(saved.generation, saved.cursor);
    if (changes === 'reset') return false;
    const table = FactsTable.fromImage(saved.image);
    // A snapshot written before tables were clustered is regrouped once (see FactsTable.image()).
    this.table = table.isClustered() ? table : table.clustered();
    this.generation = saved.generation;
    this.cursor = saved.cursor;
    this.loadedFrom = 'snapshot';
    this.saving.restored();
    this.applyChanges(changes);
    this.saving.whenDue(this.snapshot);
    return true;
  }

  private applyChanges(changes: Awaited<ReturnType<DossierFactsSource['changesSince']>>): boolean {
    if (changes === 'reset') return false;
    for (const f of changes.facts) this.table.upsert(f);
    this.cursor = changes.cursor;
    this.saving.changed(changes.facts.length);
    return true;
  }

  /** The table as it stands (it matches the cursor now), for a snapshot. */
  private readonly snapshot = (): FactsTableSnapshot | undefined =>
    this.generation === undefined
      ? undefined
      : { generation: this.generation, cursor: this.cursor, image: this.table.image() };
}
