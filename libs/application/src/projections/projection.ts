// A projection is a pure fold plus a key function (Emmett/Marten): no I/O here. The runner
// (projection.runner.ts) feeds it batches of events from `$all`, loads the documents the batch touches,
// folds with applyProjection and writes documents, indexes and its checkpoint in one atomic commit.
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

export type Projection<Doc, E extends Event = Event> = Readonly<{
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
