import type { DeadlineAlert } from '@tracker/domain';
import type { RecordedEvent } from '../ports/event-store.port';
import { indexDiff, type DocumentChange } from '../projections/apply-projection';
import { projectionId, type IndexEntry, type StoredDocument } from '../projections/projection';
import type { ProjectionStore, ProjectionWriter } from '../projections/projection-store.port';
import type { SubscriptionSink } from '../projections/subscription.runner';
import { LogBoundGeneration } from '../log-identity/log-bound-generation';
import type { LogIdentity } from '../log-identity/log-identity';
import type { AlertFeed, AlertFeedEntry } from './alert-feed.port';
import { alertsProjection as projection, type AlertsDoc } from './alerts.projection';

const ids = (alerts: readonly DeadlineAlert[]) => new Map(alerts.map((a) => [a.id, a]));

/**
 * Runs `alerts.v1` on the projection runner. Like ProjectionSink (documents, indexes and checkpoint in one
 * MULTI/EXEC, guarded by the checkpoint), plus the change feed: each event's opened/closed alerts go to the
 * stream first, under ids derived from the event's position, so a batch retried after a failed commit
 * re-sends the same ids and the stream skips them. A reader never gets a change twice nor misses one.
 */
export class AlertsSink implements SubscriptionSink {
  readonly name = projectionId(projection);
  readonly streamPrefixes = projection.streamPrefixes;
  private writer?: ProjectionWriter;
  private position: bigint | undefined;

  private readonly generations: LogBoundGeneration;

  constructor(
    store: ProjectionStore,
    private readonly feed: AlertFeed,
    identity?: LogIdentity,
    log?: (line: string) => void,
  ) {
    // Another log's change feed has ids (positions) that mean nothing here: it starts again with the rebuild.
    this.generations = new LogBoundGeneration(store, projection, identity, {
      log,
      onNewLog: () => feed.reset(),
    });
  }

  async open(): Promise<bigint | undefined> {
    const opened = await this.generations.open();
    this.writer = opened.writer;
    this.position = opened.position;
    return this.position;
  }

  async caughtUp(): Promise<void> {
    this.writer = await this.generations.caughtUp();
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const writer = this.writer!;
    const touched = [...new Set(events.flatMap((e) => projection.documentId(e as never) ?? []))];
    const loaded = touched.length ? await writer.load<AlertsDoc>(touched) : new Map();
    const current = new Map<string, StoredDocument<AlertsDoc> | undefined>();
    const before = new Map<string, StoredDocument<AlertsDoc> | undefined>();
    const entries: AlertFeedEntry[] = [];
    // Numbered per position (events of one append may share a commit position on a real cluster).
    let lastPosition: bigint | undefined;
    let n = 0;

    for (const event of events) {
      const id = (projection.canHandle as readonly string[]).includes(event.event.type)
        ? projection.documentId(event as never)
        : undefined;
      if (id === undefined) continue;
      if (!current.has(id)) {
        current.set(id, loaded.get(id));
        before.set(id, loaded.get(id));
      }
      const stored = current.get(id);
      if (stored && event.position <= stored.lastPosition) continue; // folded already
      const was = stored?.doc ?? projection.initialState(id);
      const doc = projection.evolve(was, event as never)!;
      current.set(id, { doc, lastPosition: event.position });
      const old = ids(was.alerts);
      const now = ids(doc.alerts);
      if (event.position !== lastPosition) n = 0;
      lastPosition = event.position;
      const push = (change: 'opened' | 'closed', alert: DeadlineAlert) =>
        entries.push({ id: `${event.position}-${++n}`, change, alert });
      for (const [key, alert] of old) if (!now.has(key)) push('closed', alert);
      for (const [key, alert] of now) if (!old.has(key)) push('opened', alert);
    }

    const changes: DocumentChange<AlertsDoc>[] = [...current].map(([id, after]) => ({
      id,
      before: before.get(id),
      after,
    }));
    const remove: IndexEntry[] = [];
    const add: IndexEntry[] = [];
    for (const change of changes) {
      const diff = indexDiff(projection, change);
      remove.push(...diff.remove);
      add.push(...diff.add);
    }
    if (entries.length) await this.feed.append(entries);
    const checkpoint = events[events.length - 1].position;
    await writer.commit({
      expected: this.position,
      checkpoint,
      events: events.length,
      changes: changes.filter((c) => c.before !== c.after),
      remove,
      add,
    });
    this.position = checkpoint;
  }

  async close(): Promise<void> {
    await this.generations.close();
    this.writer = undefined;
  }
}
