import { Logger } from '@nestjs/common';
import type { FactsSource } from '../ports/dossier-facts.source.port';
import { SnapshotSaving } from './snapshot-saving';

/** The in-memory table a facts cache keeps its records in. */
export interface FactsTableOf<F> {
  upsert(facts: F): void;
  readonly size: number;
}

/** A saved table: whatever its rows, the generation and change-log cursor they are current to. */
export type SavedTable = Readonly<{ generation: number; cursor: string }>;

/** Where a cache's table is kept between starts, to be loaded in one read. */
export interface SavedTables<S extends SavedTable> {
  /** The last snapshot of the active generation; undefined when there is none or it cannot be read whole. */
  load(): Promise<S | undefined>;
  save(snapshot: S): Promise<void>;
}

/** A table loaded whole, and where in the projection's change log it stands. */
export type LoadedTable<T> = Readonly<{ table: T; generation: number; cursor: string }>;

/**
 * A facts projection's records (dossier-facts, feedback-facts) held in memory as a table for the scorecard.
 * Each read first applies the projection's change log since the last one, so scorecards are live; a rebuilt
 * generation or a trimmed log reloads everything.
 *
 * A process starts from the table's last snapshot (one read) and the change log after it, rather than from
 * every document: a snapshot of another generation, one whose cursor the capped log no longer holds, or one
 * that does not read back whole, is ignored for a full load. The table is saved after a full load and then
 * as it changes (SnapshotSaving), off the request's path. The subclasses say how their table is built from
 * the documents and from a snapshot, and how it is saved.
 */
export abstract class FactsCache<F, T extends FactsTableOf<F>, S extends SavedTable> {
  private readonly logger: Logger;
  private table: T;
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;
  /** How the table was last loaded whole: from a snapshot, or from every document. */
  private loadedFrom?: 'snapshot' | 'documents';
  private readonly saving: SnapshotSaving<S>;

  protected constructor(
    name: string,
    protected readonly source: FactsSource<F>,
    private readonly snapshots: SavedTables<S> | undefined,
    empty: T,
  ) {
    this.logger = new Logger(name);
    this.table = empty;
    this.saving = new SnapshotSaving(this.logger, snapshots && ((s) => snapshots.save(s)));
  }

  /** Every record read from the projection's documents, as a table; undefined before the projection's first run. */
  protected abstract loadDocuments(): Promise<LoadedTable<T> | undefined>;

  /** The table a snapshot holds. */
  protected abstract tableOf(saved: S): T;

  /** The table as a snapshot. */
  protected abstract saved(table: T, generation: number, cursor: string): S;

  /** All records, current to the projection as of this call (a reset gives a new table). */
  async current(): Promise<T> {
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
    const loaded = await this.loadDocuments();
    if (!loaded) return;
    this.table = loaded.table;
    this.generation = loaded.generation;
    this.cursor = loaded.cursor;
    this.loadedFrom = 'documents';
    // What changed while the documents were being read.
    this.applyChanges(await this.source.changesSince(loaded.generation, loaded.cursor));
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
    this.table = this.tableOf(saved);
    this.generation = saved.generation;
    this.cursor = saved.cursor;
    this.loadedFrom = 'snapshot';
    this.saving.restored();
    this.applyChanges(changes);
    this.saving.whenDue(this.snapshot);
    return true;
  }

  private applyChanges(changes: Awaited<ReturnType<FactsSource<F>['changesSince']>>): boolean {
    if (changes === 'reset') return false;
    for (const f of changes.facts) this.table.upsert(f);
    this.cursor = changes.cursor;
    this.saving.changed(changes.facts.length);
    return true;
  }

  /** The table as it stands (it matches the cursor now), for a snapshot. */
  private readonly snapshot = (): S | undefined =>
    this.generation === undefined ? undefined : this.saved(this.table, this.generation, this.cursor);
}
