// A projection is a pure fold plus a key function (Emmett/Marten): no I/O here. The runner
// (libs/projections: SubscriptionRunner + ProjectionSink) feeds it batches of events from `$all`, loads the
// documents the batch touches, folds with applyProjection, runs its effects (ProjectionHooks) and writes
// documents, indexes and its checkpoint in one atomic commit.
import type { Event } from '@tracker/domain';
import type { RecordedEvent } from '../ports/event-store.port';

/** An event as a projection sees it: the domain event plus where it sits in `$all` and its stream. */
export type ProjectedEvent<E extends Event = Event> = RecordedEvent<E>;

/**
 * A membership of a document in a sorted set that readers query, e.g. `{ set: 'unit:SCT', score: 0,
 * member: '1741000000000|SCT-1' }`. The runner diffs a document's entries before and after a batch and
 * sends the ZREM/ZADD it takes; `set` is relative to the projection's key space.
 */
export type IndexEntry = Readonly<{ set: string; score: number; member: string }>;

export type Projection<Doc, E extends Event = Event, Env = any> = Readonly<{
  /** Without the version, e.g. `dossier-list`. */
  name: string;
  /** Bump it when the fold changes: the new version rebuilds beside the old one. */
  version: number;
  /** Server-side filter on stream names (`dossier-`, `unit-`, …). */
  streamPrefixes: readonly string[];
  /** Event types it folds (others are skipped, their position still checkpointed). */
  canHandle: readonly E['type'][];
  /** The document an event belongs to; undefined to skip this event. */
  documentId(event: ProjectedEvent<E>): string | undefined;
  initialState(id: string): Doc;
  /** Pure: the document after the event; `null` deletes it. */
  evolve(doc: Doc, event: ProjectedEvent<E>): Doc | null;
  /**
   * Derived fields too costly to recompute on every event, that read outside facts which never change once
   * they exist (a calendar version): applied once to each document a batch changed, after its events, with
   * the `env` its hooks load (ProjectionHooks.environment). Pure, and a function of the folded fields alone,
   * so the stored document does not depend on where batches begin and end.
   */
  settle?(doc: Doc, id: string, env: Env): Doc;
  /**
   * What readers get, when less than the fold's state (a lean read model): the runner stores `view(doc)`,
   * not the state, and before folding a batch into a stored document it restores the state from the
   * document's stream (`streamOf`), folding its events up to the document's position (a cache of recent
   * states saves most reads). Indexes, settle and effects see the state.
   */
  view?(doc: Doc, id: string): unknown;
  /** The stream a document is folded from (required with `view`). */
  streamOf?(id: string): string;
  /** Sorted-set memberships of a document (optional): the runner keeps them in step with the document. */
  indexes?(doc: Doc, id: string): readonly IndexEntry[];
  /**
   * Keep a capped change log (a Redis Stream) of the ids each batch changed, written in the same commit,
   * so a reader holding the documents in memory can refresh incrementally.
   */
  changeLog?: Readonly<{ maxLength: number }>;
}>;

/** `dossier-list.v1`: the projection's identity, its checkpoint's name and its keys' prefix. */
export const projectionId = (p: Pick<Projection<unknown>, 'name' | 'version'>): string =>
  `${p.name}.v${p.version}`;

/** A document as stored: the fold's value and the position of the last event folded into it. */
export type StoredDocument<Doc> = Readonly<{ doc: Doc; lastPosition: bigint }>;

export type AnyProjection = Projection<any, any>;

/** One event folded into one document: the document before and after it (undefined: none / deleted). */
export type DocumentStep<Doc> = Readonly<{
  id: string;
  event: ProjectedEvent;
  before: Doc | undefined;
  after: Doc | undefined;
}>;

/** A folded batch, as a projection's effects see it. */
export type FoldedBatch<Doc> = Readonly<{
  /** Each document the batch changed: stored before, and what will be stored (settled). */
  changes: readonly Readonly<{
    id: string;
    before: StoredDocument<Doc> | undefined;
    after: StoredDocument<Doc> | undefined;
  }>[];
  /** Every event folded, in order, with its document before and after it (not settled). */
  steps: readonly DocumentStep<Doc>[];
}>;

/**
 * What a projection needs from outside, bound per process (the registry's `hooks`): the environment its
 * `settle` reads, and its side effects. Effects run after the batch is folded and before it is committed,
 * so a crash in between repeats them on the replay rather than loses them: each effect must be idempotent
 * (deterministic ids: a BullMQ job id, an alert feed entry id).
 */
export type ProjectionHooks<Doc = any, Env = any> = Readonly<{
  /** Loads the environment `settle` reads for these documents (before settling them). */
  environment?(docs: readonly Doc[]): Promise<Env>;
  effects?(batch: FoldedBatch<Doc>): Promise<void>;
}>;

/**
 * An event the fold (evolve, settle or indexes) threw on: the runner retries its batch a few times, then
 * stops the projection at `position` (a poison event) until an operator skips it.
 */
export class ProjectionFoldError extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly eventType: string,
    readonly streamName: string,
    override readonly cause: unknown,
  ) {
    super(
      `${projection}: folding ${eventType} of ${streamName} at ${position} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'ProjectionFoldError';
  }
}
