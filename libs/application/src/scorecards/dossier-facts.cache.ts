import { Inject, Injectable, Optional } from '@nestjs/common';
import { DossierFacts, FactsTable } from '@tracker/domain';
import { DOSSIER_FACTS_SOURCE, DossierFactsSource } from '../ports/dossier-facts.source.port';
import {
  FACTS_TABLE_SNAPSHOTS,
  FactsTableSnapshot,
  FactsTableSnapshots,
} from '../ports/facts-table.snapshots.port';
import { FactsCache, LoadedTable } from './facts-cache';

/**
 * Every dossier's facts in memory, in the scoring method's column layout, so a scorecard is a scan of typed
 * arrays (a quarter over a million dossiers in tens of milliseconds) rather than a million Redis reads;
 * refreshed and saved as FactsCache says, from the snapshots of FactsTableSnapshots.
 */
@Injectable()
export class DossierFactsCache extends FactsCache<DossierFacts, FactsTable, FactsTableSnapshot> {
  constructor(
    @Inject(DOSSIER_FACTS_SOURCE) source: DossierFactsSource,
    @Optional() @Inject(FACTS_TABLE_SNAPSHOTS) snapshots?: FactsTableSnapshots,
  ) {
    super('dossier-facts', source, snapshots, new FactsTable());
  }

  protected async loadDocuments(): Promise<LoadedTable<FactsTable> | undefined> {
    // Page by page: a million documents never sit in memory at once.
    const table = new FactsTable();
    const snapshot = await this.source.snapshot((page) => {
      for (const f of page) table.upsert(f);
    });
    if (!snapshot) return undefined;
    // Read in hash order: regrouped so that a period's rows sit side by side (FactsTable.image()).
    return { table: table.clustered(), generation: snapshot.generation, cursor: snapshot.cursor };
  }

  protected tableOf(saved: FactsTableSnapshot): FactsTable {
    const table = FactsTable.fromImage(saved.image);
    // A snapshot written before tables were clustered is regrouped once (see FactsTable.image()).
    return table.isClustered() ? table : table.clustered();
  }

  protected saved(table: FactsTable, generation: number, cursor: string): FactsTableSnapshot {
    return { generation, cursor, image: table.image() };
  }
}
