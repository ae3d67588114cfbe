import { Inject, Injectable } from '@nestjs/common';
import type { DossierFacts } from '@tracker/domain';
import { DOSSIER_FACTS_SOURCE, DossierFactsSource } from '../ports/dossier-facts.source.port';

/**
 * Every dossier's facts in memory, so a scorecard is a scan of plain objects (a quarter over a million
 * dossiers in tens of milliseconds) rather than a million Redis reads. Each read first applies the
 * projection's change log since the last one, so scorecards are live; a rebuilt generation or a trimmed
 * log reloads everything.
 */
@Injectable()
export class DossierFactsCache {
  private facts = new Map<string, DossierFacts>();
  private generation?: number;
  private cursor = '0-0';
  private refreshing?: Promise<void>;

  constructor(@Inject(DOSSIER_FACTS_SOURCE) private readonly source: DossierFactsSource) {}

  /** All facts, current to the projection as of this call. */
  async current(): Promise<Iterable<DossierFacts>> {
    // Concurrent requests share one refresh.
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    await this.refreshing;
    return this.facts.values();
  }

  get size(): number {
    return this.facts.size;
  }

  private async refresh(): Promise<void> {
    if (this.generation !== undefined) {
      const changes = await this.source.changesSince(this.generation, this.cursor);
      if (changes !== 'reset') {
        for (const f of changes.facts) this.facts.set(f.code, f);
        this.cursor = changes.cursor;
        return;
      }
    }
    const snapshot = await this.source.snapshot();
    if (!snapshot) return;
    this.facts = new Map(snapshot.facts.map((f) => [f.code, f]));
    this.generation = snapshot.generation;
    this.cursor = snapshot.cursor;
    // What changed while the snapshot was being read.
    const since = await this.source.changesSince(snapshot.generation, snapshot.cursor);
    if (since === 'reset') return;
    for (const f of since.facts) this.facts.set(f.code, f);
    this.cursor = since.cursor;
  }
}
