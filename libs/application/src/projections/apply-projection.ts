import type { Event } from '@tracker/domain';
import {
  ProjectionFoldError,
  projectionId,
  type DocumentStep,
  type IndexEntry,
  type ProjectedEvent,
  type Projection,
  type StoredDocument,
} from './projection';

/** One document's value before and after a batch; `after` undefined means deleted. */
export type DocumentChange<Doc = unknown> = Readonly<{
  id: string;
  before: StoredDocument<Doc> | undefined;
  after: StoredDocument<Doc> | undefined;
}>;

export type AppliedBatch<Doc> = Readonly<{
  /** Documents the batch changed, in the order first touched. */
  changes: DocumentChange<Doc>[];
  /** Events folded into a document. */
  applied: number;
  /** Events not handled, or already folded (position at or before the document's lastPosition). */
  skipped: number;
  /** Each event folded with its document before and after it, when asked for (`steps: true`). */
  steps: DocumentStep<Doc>[];
}>;

export type ApplyOptions = Readonly<{
  /** Record every event's step (for effects that work event by event). */
  steps?: boolean;
  /** Positions an operator decided to skip (poison events): never folded. */
  skip?: ReadonlySet<bigint>;
}>;

const handles = <E extends Event>(projection: Projection<unknown, E>, event: ProjectedEvent<E>): boolean =>
  (projection.canHandle as readonly string[]).includes(event.event.type);

/** The ids of the documents a batch touches: what the runner loads before folding. */
export function documentIdsOf<Doc, E extends Event>(
  projection: Projection<Doc, E>,
  events: readonly ProjectedEvent<E>[],
): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (!handles(projection, e)) continue;
    const id = projection.documentId(e);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/**
 * Folds a batch, strictly in order, into the loaded documents (missing ones start from initialState). Each
 * document carries the position of the last event folded into it and skips any event at or before it, so
 * replaying an event (a redelivery, a resumed batch) changes nothing. Pure: the caller persists `changes`.
 * A fold that throws is reported as a ProjectionFoldError naming the event.
 */
export function applyProjection<Doc, E extends Event>(
  projection: Projection<Doc, E>,
  loaded: ReadonlyMap<string, StoredDocument<Doc> | undefined>,
  events: readonly ProjectedEvent<E>[],
  options: ApplyOptions = {},
): AppliedBatch<Doc> {
  const current = new Map<string, StoredDocument<Doc> | undefined>();
  const before = new Map<string, StoredDocument<Doc> | undefined>();
  const steps: DocumentStep<Doc>[] = [];
  let applied = 0;
  let skipped = 0;
  for (const event of events) {
    const id =
      handles(projection, event) && !options.skip?.has(event.position)
        ? projection.documentId(event)
        : undefined;
    if (id === undefined) {
      skipped++;
      continue;
    }
    if (!current.has(id)) {
      const stored = loaded.get(id);
      current.set(id, stored);
      before.set(id, stored);
    }
    const stored = current.get(id);
    if (stored && event.position <= stored.lastPosition) {
      skipped++;
      continue;
    }
    const was = stored ? stored.doc : undefined;
    let next: Doc | null;
    try {
      next = projection.evolve(was ?? projection.initialState(id), event);
    } catch (error) {
      throw foldError(projection, event, error);
    }
    current.set(id, next === null ? undefined : { doc: next, lastPosition: event.position });
    if (options.steps) steps.push({ id, event, before: was, after: next ?? undefined });
    applied++;
  }
  const changes: DocumentChange<Doc>[] = [];
  for (const [id, after] of current) {
    const was = before.get(id);
    if (was === after) continue;
    changes.push({ id, before: was, after });
  }
  return { changes, applied, skipped, steps };
}

export const foldError = (
  projection: Projection<unknown, any>,
  event: Pick<ProjectedEvent, 'position' | 'streamName' | 'event'>,
  cause: unknown,
): ProjectionFoldError =>
  cause instanceof ProjectionFoldError
    ? cause
    : new ProjectionFoldError(
        projectionId(projection),
        event.position,
        event.event.type,
        event.streamName,
        cause,
      );

/** The ZREM/ZADD that keep a document's index entries in step with it. */
export function indexDiff<Doc>(
  projection: Projection<Doc, Event>,
  change: DocumentChange<Doc>,
): { remove: IndexEntry[]; add: IndexEntry[] } {
  if (!projection.indexes) return { remove: [], add: [] };
  const old = change.before ? projection.indexes(change.before.doc, change.id) : [];
  const now = change.after ? projection.indexes(change.after.doc, change.id) : [];
  const key = (e: IndexEntry) => `${e.set}\u0000${e.member}`;
  const nowByKey = new Map(now.map((e) => [key(e), e]));
  const oldByKey = new Map(old.map((e) => [key(e), e]));
  return {
    remove: old.filter((e) => !nowByKey.has(key(e))),
    add: now.filter((e) => oldByKey.get(key(e))?.score !== e.score),
  };
}
