import { Inject, Injectable } from '@nestjs/common';
import { FactsTable } from '@tracker/domain';
import { DOSSIER_FACTS_SOURCE, DossierFactsSource } from '../ports/dossier-facts.source.port';

/**
 * Every dossier's facts in memory, in the scoring method's column layout, so a scorecard is a scan of typed
 * arrays (a quarter over a million dossiers in tens of milliseconds) rather than a million Redis reads.
 * Each read first applies the projection's change log since the last one, so scorecards are live; a
 * rebuilt generation or a trimmed log reloads everything.
 */
@Injectable()
export class DossierFactsCache {
  private table = new FactsTable();
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;

  constructor(@Inject(DOSSIER_FACTS_SOURCE) private readonly source: DossierFactsSource) {}

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

  private async refresh(): Promise<void> {
    if (
      this.generation !== undefined &&
      this.applyChanges(await this.source.changesSince(this.generation, this.cursor))
    ) {
      return;
    }
    const snapshot = await this.source.snapshot();
    if (!snapshot) return;
    this.table = FactsTable.from(snapshot.facts);
    this.generation = snapshot.generation;
    this.cursor = snapshot.cursor;
    // What changed while the snapshot was being read.
    this.applyChanges(await this.source.changesSince(snapshot.generation, snapshot.cursor));
  }

  private applyChanges(changes: Awaited<ReturnType<DossierFactsSource['changesSince']>>): boolean {
    if (changes === 'reset') return false;
    for (const f of changes.facts) this.table.upsert(f);
    this.cursor = changes.cursor;
    return true;
  }
}
