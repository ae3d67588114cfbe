import type { DossierFacts } from '@tracker/domain';

export const DOSSIER_FACTS_SOURCE = Symbol('DOSSIER_FACTS_SOURCE');

/** Where the facts projection's documents are read from, in full once and then incrementally. */
export type FactsSnapshot<F = DossierFacts> = Readonly<{ generation: number; cursor: string; facts: F[] }>;
export type FactsChanges<F = DossierFacts> = Readonly<{ cursor: string; facts: F[] }>;

/** A facts projection's records (dossier-facts, feedback-facts), read as the dossier facts are. */
export interface FactsSource<F> {
  /**
   * Every record and the change-log cursor they are current to; undefined before the first run. With
   * `each`, the records are handed over page by page as they are read (and `facts` is empty).
   */
  snapshot(each?: (facts: F[]) => void): Promise<FactsSnapshot<F> | undefined>;
  /** The records changed since `cursor` in `generation`, or 'reset' (see DossierFactsSource). */
  changesSince(generation: number, cursor: string): Promise<FactsChanges<F> | 'reset'>;
}

export interface DossierFactsSource extends FactsSource<DossierFacts> {
  /** Every dossier's facts and the change-log cursor they are current to; undefined before the first run. */
  snapshot(each?: (facts: DossierFacts[]) => void): Promise<FactsSnapshot | undefined>;
  /**
   * The facts changed since `cursor` in `generation`, or 'reset' when that is no longer answerable (readers
   * were switched to a rebuilt generation, or the capped change log has dropped entries past the cursor).
   */
  changesSince(generation: number, cursor: string): Promise<FactsChanges | 'reset'>;
}
