import type { FactsTableImage } from '@tracker/domain';

export const FACTS_TABLE_SNAPSHOTS = Symbol('FACTS_TABLE_SNAPSHOTS');

/** The dossier facts table as a reader held it: its rows, and the facts generation and change-log cursor
 * they are current to. */
export type FactsTableSnapshot = Readonly<{ generation: number; cursor: string; image: FactsTableImage }>;

/** Where the scorecard's facts table is kept between starts, to be loaded in one read. */
export interface FactsTableSnapshots {
  /** The last snapshot of the active generation; undefined when there is none or it cannot be read whole. */
  load(): Promise<FactsTableSnapshot | undefined>;
  save(snapshot: FactsTableSnapshot): Promise<void>;
}
