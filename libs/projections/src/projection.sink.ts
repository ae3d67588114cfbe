import type { Event } from '@tracker/domain';
import {
  applyProjection,
  documentIdsOf,
  foldError,
  indexDiff,
  projectionId,
  type AnyProjection,
  type DocumentChange,
  type IndexEntry,
  type ProjectionHooks,
  type ProjectionSkips,
  type ProjectionStore,
  type ProjectionWriter,
  type RecordedEvent,
} from '@tracker/application';
import type { Poison, SubscriptionSink } from './subscription.runner';

export type ProjectionSinkMode = 'active' | 'new-generation';

export type ProjectionSinkOptions = Readonly<{
  mode?: ProjectionSinkMode;
  /** Its environment and effects (from the registry's bindProjection). */
  hooks?: ProjectionHooks;
  /** The operators' skip decisions: skipped events are never folded. */
  skips?: ProjectionSkips;
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
    this.name = projectionId(projection);
    this.streamPrefixes = projection.streamPrefixes;
  }

  /** The generation written (after open()). */
  get generation(): number | undefined {
    return this.writer?.generation;
  }

  async open(): Promise<bigint | undefined> {
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
    const loaded = ids.length ? await writer.load(ids) : new Map();
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
      changes,
      remove,
      add,
      ...(p.changeLog ? { changeLog: p.changeLog } : {}),
    });
    this.position = checkpoint;
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
