import type { DossierFacts } from '@tracker/domain';

export const DOSSIER_FACTS_SOURCE = Symbol('DOSSIER_FACTS_SOURCE');

/** Where the facts projection's documents are read from, in full once and then incrementally. */
export type FactsSnapshot = Readonly<{ generation: number; cursor: string; facts: DossierFacts[] }>;
export type FactsChanges = Readonly<{ cursor: string; facts: DossierFacts[] }>;

export interface DossierFactsSource {
  /** Every dossier's facts and the change-log cursor they are current to; undefined before the first run. */
  snapshot(): Promise<FactsSnapshot | undefined>;
  /**
   * The facts changed since `cursor` in `generation`, or 'reset' when that is no longer answerable (readers
   * were switched to a rebuilt generation, or the capped change log has dropped entries past the cursor).
   */
  changesSince(generation: number, cursor: string): Promise<FactsChanges | 'reset'>;
}
