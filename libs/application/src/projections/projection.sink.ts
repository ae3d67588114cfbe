import type { Event } from '@tracker/domain';
import type { RecordedEvent } from '../ports/event-store.port';
import { applyProjection, documentIdsOf, indexDiff } from './apply-projection';
import { AnyProjection, IndexEntry, projectionId } from './projection';
import type { ProjectionStore, ProjectionWriter } from './projection-store.port';
import type { SubscriptionSink } from './subscription.runner';
import { LogBoundGeneration } from '../log-identity/log-bound-generation';
import type { LogIdentity } from '../log-identity/log-identity';

export type ProjectionSinkMode = 'active' | 'new-generation';

/**
 * Runs a projection over the store: load the batch's documents, fold, commit documents + indexes +
 * checkpoint in one atomic write guarded by the checkpoint it started from.
 */
export class ProjectionSink implements SubscriptionSink {
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  private writer?: ProjectionWriter;
  private position: bigint | undefined;
  private readonly generations: LogBoundGeneration;

  constructor(
    readonly projection: AnyProjection,
    private readonly store: ProjectionStore,
    private readonly mode: ProjectionSinkMode = 'active',
    private readonly identity?: LogIdentity,
    log?: (line: string) => void,
  ) {
    this.name = projectionId(projection);
    this.streamPrefixes = projection.streamPrefixes;
    this.generations = new LogBoundGeneration(store, projection, identity, { log });
  }

  /** The generation written (after open()). */
  get generation(): number | undefined {
    return this.writer?.generation;
  }

  async open(): Promise<bigint | undefined> {
    if (this.mode === 'active') {
      // Readers may have been switched to another generation (or the log changed): see LogBoundGeneration.
      const opened = await this.generations.open();
      this.writer = opened.writer;
      this.position = opened.position;
      return this.position;
    }
    if (!this.writer) {
      this.writer = await this.store.newGenerationWriter(this.projection);
      if (this.identity) await this.writer.bindLog(await this.identity.ensure());
    }
    this.position = (await this.writer.checkpoint()).position;
    return this.position;
  }

  async caughtUp(): Promise<void> {
    if (this.mode === 'active') this.writer = await this.generations.caughtUp();
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const writer = this.writer!;
    const ids = documentIdsOf(this.projection, events as RecordedEvent<Event>[]);
    const loaded = ids.length ? await writer.load(ids) : new Map();
    const { changes } = applyProjection(this.projection, loaded, events as RecordedEvent<Event>[]);
    const remove: IndexEntry[] = [];
    const add: IndexEntry[] = [];
    for (const change of changes) {
      const diff = indexDiff(this.projection, change);
      remove.push(...diff.remove);
      add.push(...diff.add);
    }
    const checkpoint = events[events.length - 1].position;
    await writer.commit({
      expected: this.position,
      checkpoint,
      events: events.length,
      changes,
      remove,
      add,
      ...(this.projection.changeLog ? { changeLog: this.projection.changeLog } : {}),
    });
    this.position = checkpoint;
  }

  async close(): Promise<void> {
    if (this.mode === 'active') await this.generations.close();
    else await this.writer?.close();
    this.writer = undefined;
  }
}
