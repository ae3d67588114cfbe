import type { Event } from '@tracker/domain';
import {
  applyProjection,
  documentIdsOf,
  foldError,
  indexDiff,
  projectionId,
  type AnyProjection,
  type DocumentChange,
  type EventStore,
  type IndexEntry,
  type ProjectionHooks,
  type ProjectionSkips,
  type ProjectionStore,
  type ProjectionWriter,
  type RecordedEvent,
  type StoredDocument,
} from '@tracker/application';
import type { Poison, SubscriptionSink } from './subscription.runner';

export type ProjectionSinkMode = 'active' | 'new-generation';

export type ProjectionSinkOptions = Readonly<{
  mode?: ProjectionSinkMode;
  /** Its environment and effects (from the registry's bindProjection). */
  hooks?: ProjectionHooks;
  /** The operators' skip decisions: skipped events are never folded. */
  skips?: ProjectionSkips;
  /** Where a lean projection's (one with `view`) states are restored from. */
  source?: EventStore;
  /** Fold states of a lean projection kept in memory, by document (default 5,000): each saves a read. */
  stateCacheSize?: number;
}>;

/**
 * Runs a projection over the store: load the batch's documents, fold, settle the changed ones, run the
 * effects, then commit documents + indexes + checkpoint in one atomic write guarded by the checkpoint it
 * started from. The effects go before the commit: a crash or a refused commit replays the batch and
 * repeats them (they are idempotent), never loses them.
 */
export class ProjectionSink implements SubscriptionSink {
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  private writer?: ProjectionWriter;
  private position: bigint | undefined;
  private readonly mode: ProjectionSinkMode;
  private readonly hooks: ProjectionHooks;
  private readonly skips?: ProjectionSkips;
  private readonly source?: EventStore;
  private readonly stateCacheSize: number;
  /** Recent fold states of a lean projection, least recently used first. */
  private readonly states = new Map<string, StoredDocument<unknown>>();
  private skipped: ReadonlySet<bigint> = new Set();

  constructor(
    readonly projection: AnyProjection,
    private readonly store: ProjectionStore,
    options: ProjectionSinkOptions | ProjectionSinkMode = {},
  ) {
    const o = typeof options === 'string' ? { mode: options } : options;
    this.mode = o.mode ?? 'active';
    this.hooks = o.hooks ?? {};
    this.skips = o.skips;
    this.source = o.source;
    this.stateCacheSize = o.stateCacheSize ?? 5_000;
    if (projection.view && (!this.source || !projection.streamOf || projection.settle)) {
      // (A restored state is folded, not settled: settle and view do not go together yet.)
      throw new Error(
        `${projectionId(projection)}: a lean projection needs streamOf, an event store, no settle`,
      );
    }
    this.name = projectionId(projection);
    this.streamPrefixes = projection.streamPrefixes;
  }

  /** The generation written (after open()). */
  get generation(): number | undefined {
    return this.writer?.generation;
  }

  async open(): Promise<bigint | undefined> {
    this.states.clear();
    if (this.skips) this.skipped = await this.skips.positions(this.name);
    if (this.mode === 'active') {
      // Readers may have been switched to another generation: follow them.
      await this.writer?.close();
      this.writer = await this.store.activeWriter(this.projection);
      // Skipped while no runner was waiting on it: no longer stopped.
      const stop = await this.store.stopped(this.projection);
      if (stop && this.skipped.has(BigInt(stop.position)))
        await this.store.setStopped(this.projection, undefined);
    } else {
      this.writer ??= await this.store.newGenerationWriter(this.projection);
    }
    this.position = (await this.writer.checkpoint()).position;
    return this.position;
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const writer = this.writer!;
    const p = this.projection;
    const batch = events as RecordedEvent<Event>[];
    const ids = documentIdsOf(p, batch);
    const stored = ids.length ? await writer.load(ids) : new Map<string, StoredDocument<unknown>>();
    const loaded = p.view ? await this.restore(stored) : stored;
    const folded = applyProjection(p, loaded, batch, {
      steps: this.hooks.effects !== undefined,
      skip: this.skipped,
    });
    let changes: DocumentChange[] = folded.changes;
    if (p.settle) {
      const docs = changes.flatMap((c) => (c.after ? [c.after.doc] : []));
      const env = this.hooks.environment ? await this.hooks.environment(docs) : undefined;
      changes = changes.map((c) => {
        if (!c.after) return c;
        try {
          return { ...c, after: { ...c.after, doc: p.settle!(c.after.doc, c.id, env) } };
        } catch (error) {
          throw foldError(p, this.eventAt(batch, c.after.lastPosition), error);
        }
      });
    }
    const remove: IndexEntry[] = [];
    const add: IndexEntry[] = [];
    for (const change of changes) {
      let diff: ReturnType<typeof indexDiff>;
      try {
        diff = indexDiff(p, change);
      } catch (error) {
        throw foldError(p, this.eventAt(batch, change.after?.lastPosition), error);
      }
      remove.push(...diff.remove);
      add.push(...diff.add);
    }
    if (this.hooks.effects) await this.hooks.effects({ changes, steps: folded.steps });
    const checkpoint = events[events.length - 1].position;
    await writer.commit({
      expected: this.position,
      checkpoint,
      events: events.length,
      changes: p.view ? changes.map((c) => this.viewed(c)) : changes,
      remove,
      add,
      ...(p.changeLog ? { changeLog: p.changeLog } : {}),
    });
    this.position = checkpoint;
  }

  /**
   * The fold states of stored lean documents: from the cache when it holds the state at the stored
   * position, else folded from the document's stream up to that position (skipped events left out).
   */
  private async restore(
    stored: ReadonlyMap<string, StoredDocument<unknown> | undefined>,
  ): Promise<Map<string, StoredDocument<unknown> | undefined>> {
    const p = this.projection;
    const states = new Map<string, StoredDocument<unknown> | undefined>();
    const missing: [string, bigint][] = [];
    for (const [id, doc] of stored) {
      const cached = this.states.get(id);
      if (!doc) states.set(id, undefined);
      else if (cached && cached.lastPosition === doc.lastPosition) states.set(id, cached);
      else missing.push([id, doc.lastPosition]);
    }
    for (let i = 0; i < missing.length; i += 64) {
      await Promise.all(
        missing.slice(i, i + 64).map(async ([id, at]) => {
          const { events } = await this.source!.readStream<Event>(p.streamOf!(id));
          const upTo = events.filter((e) => e.position <= at);
          const { changes } = applyProjection(p, new Map(), upTo, { skip: this.skipped });
          states.set(id, changes.find((c) => c.id === id)?.after);
        }),
      );
    }
    return states;
  }

  /** What is stored of a lean document (its view); its state goes to the cache. */
  private viewed(change: DocumentChange): DocumentChange {
    this.states.delete(change.id);
    if (!change.after) return change;
    this.states.set(change.id, change.after);
    if (this.states.size > this.stateCacheSize) this.states.delete(this.states.keys().next().value!);
    const doc = this.projection.view!(change.after.doc, change.id);
    return { ...change, after: { doc, lastPosition: change.after.lastPosition } };
  }

  /** The batch's event at a position (the last event folded into a document), for a fold error. */
  private eventAt(
    batch: readonly RecordedEvent<Event>[],
    position: bigint | undefined,
  ): RecordedEvent<Event> {
    return batch.find((e) => e.position === position) ?? batch[batch.length - 1];
  }

  async stoppedAt(poison: Poison | undefined): Promise<void> {
    if (this.mode !== 'active') return;
    await this.store.setStopped(
      this.projection,
      poison && {
        position: poison.position.toString(),
        error: poison.error,
        since: new Date().toISOString(),
      },
    );
  }

  async isSkipped(position: bigint): Promise<boolean> {
    if (!this.skips) return false;
    this.skipped = await this.skips.positions(this.name);
    return this.skipped.has(position);
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
  }
}
