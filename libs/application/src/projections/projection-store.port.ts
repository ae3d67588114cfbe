import type { DocumentChange } from './apply-projection';
import type { AnyProjection, IndexEntry, StoredDocument } from './projection';

export const PROJECTION_STORE = Symbol('PROJECTION_STORE');

/** Where a projection (or reactor) stands: its checkpoint and how many events it has taken. */
export type ProjectionCheckpoint = Readonly<{
  /** Commit position of the last event taken; undefined before the first batch. */
  position: bigint | undefined;
  events: number;
  updatedAt?: string;
  /** The identity of the log this generation was folded from (log-identity.ts); absent on older ones. */
  logId?: string;
}>;

/** One batch, committed atomically: documents, their index entries, the change log and the checkpoint. */
export type ProjectionCommit = Readonly<{
  /** The checkpoint this batch was folded from: the commit fails if another writer moved it meanwhile. */
  expected: bigint | undefined;
  /** Position of the batch's last event (handled or not). */
  checkpoint: bigint;
  /** Events in the batch (handled or not): added to the checkpoint's counter. */
  events: number;
  changes: readonly DocumentChange[];
  /** Index entries to remove and add (from indexDiff). */
  remove: readonly IndexEntry[];
  add: readonly IndexEntry[];
  /** Append the changed ids to the projection's capped change log (Projection.changeLog). */
  changeLog?: Readonly<{ maxLength: number }>;
}>;

/** The commit was refused: another writer moved the checkpoint, or readers were switched to another generation. */
export class ProjectionWriteConflict extends Error {
  constructor(
    readonly projection: string,
    readonly reason: 'checkpoint-moved' | 'generation-switched',
  ) {
    super(`${projection}: ${reason}`);
    this.name = 'ProjectionWriteConflict';
  }
}

/** Writes one generation of one projection; owns its own connection (WATCH/MULTI are per connection). */
export interface ProjectionWriter {
  readonly projection: string;
  readonly generation: number;
  checkpoint(): Promise<ProjectionCheckpoint>;
  load<Doc>(ids: readonly string[]): Promise<Map<string, StoredDocument<Doc> | undefined>>;
  commit(commit: ProjectionCommit): Promise<void>;
  /** Records the log this generation is folded from (before its first commit). */
  bindLog(logId: string): Promise<void>;
  close(): Promise<void>;
}

export type GenerationStatus = Readonly<{ generation: number; checkpoint: ProjectionCheckpoint }>;

/** A projection its runner stopped at a poison event, until an operator skips it. */
export type ProjectionStop = Readonly<{
  /** Commit position of the event its fold keeps failing on, as a decimal string. */
  position: string;
  error: string;
  since: string;
}>;

/**
 * The read models' store. Each projection version has generations of keys; readers follow the active one.
 * A rebuild writes a new generation beside it and switches readers over when it has caught up.
 */
export interface ProjectionStore {
  /**
   * A writer of the active generation (generation 1 is created when there is none). Its commits fail with
   * ProjectionWriteConflict once readers are switched to another generation.
   */
  activeWriter(projection: AnyProjection): Promise<ProjectionWriter>;
  /** A writer of a fresh generation, beside the active one (a rebuild). */
  newGenerationWriter(projection: AnyProjection): Promise<ProjectionWriter>;
  /**
   * Makes `generation` the one readers use, when its checkpoint is at or past the active one's (atomically
   * with that check). Returns the generation it replaced (undefined if none), or false when not caught up.
   * `force` skips the check: the active generation was built from another log, its checkpoint means nothing.
   */
  activate(
    projection: AnyProjection,
    generation: number,
    options?: { force?: boolean },
  ): Promise<{ replaced: number | undefined } | false>;
  /** Deletes every key of a generation that is not the active one. */
  dropGeneration(projection: AnyProjection, generation: number): Promise<void>;
  /**
   * Deletes every key of the projection's earlier versions (`name.vK`, K below its version): what was built
   * before a version bump, which nothing of this version reads. Returns the ids it found and deleted.
   */
  dropRetiredVersions(projection: AnyProjection): Promise<string[]>;

  /// Reading (query handlers, health)

  /** The generation readers use, undefined when the projection never ran. */
  activeGeneration(projection: AnyProjection): Promise<number | undefined>;
  status(projection: AnyProjection, generation?: number): Promise<GenerationStatus | undefined>;
  documents<Doc>(
    projection: AnyProjection,
    generation: number,
    ids: readonly string[],
  ): Promise<(Doc | undefined)[]>;
  /** Members of an index between two lexicographic bounds (Redis ZRANGE BYLEX syntax: `[a`, `(a`, `-`, `+`). */
  membersByLex(
    projection: AnyProjection,
    generation: number,
    set: string,
    min: string,
    max: string,
    limit: number,
  ): Promise<string[]>;
  /** Members of an index with min ≤ score ≤ max. */
  membersByScore(
    projection: AnyProjection,
    generation: number,
    set: string,
    min: number,
    max: number,
  ): Promise<string[]>;
  /** How many members an index holds, and the lowest score among them (undefined when empty). */
  indexSummary(
    projection: AnyProjection,
    generation: number,
    set: string,
  ): Promise<{ count: number; lowestScore: number | undefined }>;

  /// Poison events (the runner writes, health reads)

  /** Where the projection is stopped at a poison event, if it is. */
  stopped(projection: AnyProjection): Promise<ProjectionStop | undefined>;
  /** Records (or, with undefined, clears) the stop. */
  setStopped(projection: AnyProjection, stop: ProjectionStop | undefined): Promise<void>;
}

/** A plain checkpoint for reactors (at-least-once: they store it after their side effects). */
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
export interface CheckpointStore {
  load(name: string): Promise<bigint | undefined>;
  store(name: string, position: bigint): Promise<void>;
}

/** How far `$all` has gone: what health reports a projection's lag against. */
export const EVENT_LOG_PROBE = Symbol('EVENT_LOG_PROBE');
export interface EventLogProbe {
  /** Commit position of the last event in `$all` (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Events of streams with these prefixes after `after` (exclusive; from the start when undefined), reading
   * at most `cap` events of `$all`; `capped` when it stopped there.
   */
  countAfter(
    streamPrefixes: readonly string[],
    after: bigint | undefined,
    cap: number,
  ): Promise<{ count: number; capped: boolean }>;
}
