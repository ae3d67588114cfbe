export const REFERENCE_DATA_SNAPSHOTS = Symbol('REFERENCE_DATA_SNAPSHOTS');

/** One reference event as the feed delivered it (data as recorded, revision and position as decimals). */
export type ReferenceEventRecord = Readonly<{
  streamName: string;
  revision: string;
  position: string;
  type: string;
  data: unknown;
}>;

/**
 * The reference events (units, procedures, calendars, publications) of one log up to a `$all` position: every
 * one of them at or before `position` is in `events`, in `$all` order. A start replays them and catches up
 * after `position` only.
 */
export type ReferenceDataSnapshot = Readonly<{
  logId: string;
  position: string;
  events: readonly ReferenceEventRecord[];
}>;

/** Where the reference data's snapshot is kept between starts. */
export interface ReferenceDataSnapshots {
  /** The last snapshot, or undefined when there is none or it cannot be read whole. */
  load(): Promise<ReferenceDataSnapshot | undefined>;
  save(snapshot: ReferenceDataSnapshot): Promise<void>;
}
