// Which log the read models were built from. The event store carries its own identity (a stream of the
// tracker's, written once through the client, so it works the same on a real EventStoreDB/KurrentDB); every
// projection generation remembers the identity it was folded from. A restore, a move to a new PC or a
// deleted data directory under the same Redis then shows as a different (or missing) identity, or as a
// checkpoint beyond the log's head, and the read models are built again instead of silently skipping.
import { randomUUID } from 'node:crypto';
import type { EventLogProbe, ProjectionCheckpoint } from '../projections/projection-store.port';
import { ExpectedRevisionConflict, type EventStore } from '../ports/event-store.port';

export const LOG_IDENTITY = Symbol('LOG_IDENTITY');

/** The identity stream: not under any projection's prefix, so no projection folds it. */
export const LOG_IDENTITY_STREAM = 'tracker-log';

/** First event of the identity stream, written at the first start on a log (expected revision no_stream). */
export const LOG_STARTED = 'TrackerLogStarted';
/** Appended by `npm run restore`: the restored copy is a log of its own from then on. */
export const LOG_RESTORED = 'TrackerLogRestored';

export type LogIdentityEvent =
  | Readonly<{ type: typeof LOG_STARTED; data: Readonly<{ logId: string; startedAt: string }> }>
  | Readonly<{
      type: typeof LOG_RESTORED;
      data: Readonly<{
        logId: string;
        previousLogId: string | null;
        restoredAt: string;
        backup: Readonly<{ file: string; takenAt: string; lastPosition: string; events: number }>;
      }>;
    }>;

/** Why a generation cannot go on against this log; undefined when it can. */
export function staleGenerationReason(
  checkpoint: Pick<ProjectionCheckpoint, 'position' | 'logId'>,
  logId: string,
  head: bigint,
): string | undefined {
  if (checkpoint.position === undefined) return undefined; // nothing folded yet: it simply adopts this log
  if (checkpoint.logId === undefined) return `built before logs had an identity (now ${logId})`;
  if (checkpoint.logId !== logId)
    return `built from log ${checkpoint.logId}, the event store holds log ${logId}`;
  if (checkpoint.position > head)
    return `checkpoint ${checkpoint.position} is beyond the log's head ${head} (log ${logId} was rewound)`;
  return undefined;
}

export type LogRebuild = Readonly<{ projection: string; reason: string; since: string }>;

/**
 * The identity of the log this process talks to: read from `tracker-log` (the last event's id wins), written
 * once when missing. Two processes starting at once on an empty log both append with expected revision
 * no_stream: one wins, the other gets a conflict, reads and adopts the winner's id.
 */
export class LogIdentity {
  private last?: string;
  private readonly rebuilds = new Map<string, LogRebuild>();

  constructor(
    private readonly store: EventStore,
    private readonly probe: Pick<EventLogProbe, 'headPosition'>,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** The id seen last (undefined before the first read). */
  get current(): string | undefined {
    return this.last;
  }

  /** Reads the identity without writing one; undefined when the log has none yet. */
  async read(): Promise<string | undefined> {
    const { events } = await this.store.readStream<LogIdentityEvent>(LOG_IDENTITY_STREAM);
    const id = events.length ? events[events.length - 1].event.data.logId : undefined;
    if (id !== undefined) this.remember(id);
    return id;
  }

  /** The identity, recorded first if the log has none. */
  async ensure(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.read();
      if (existing !== undefined) return existing;
      const logId = randomUUID();
      try {
        await this.store.appendToStream<LogIdentityEvent>(
          LOG_IDENTITY_STREAM,
          [
            {
              id: randomUUID(),
              event: { type: LOG_STARTED, data: { logId, startedAt: new Date().toISOString() } },
              metadata: { actor: 'tracker', role: 'system', correlationId: logId, causationId: logId },
            },
          ],
          'no_stream',
        );
        this.log(`log identity recorded: ${logId}`);
        this.remember(logId);
        return logId;
      } catch (error) {
        // Another process recorded it first: adopt theirs.
        if (!(error instanceof ExpectedRevisionConflict) || attempt >= 3) throw error;
      }
    }
  }

  /** The identity (recorded if missing) and the head of `$all`, for a generation check. */
  async observe(): Promise<{ logId: string; head: bigint }> {
    const logId = await this.ensure();
    return { logId, head: await this.probe.headPosition() };
  }

  /**
   * Gives a restored log an identity of its own (`npm run restore`): read models built from the log before
   * the restore, or from the copy's original after it was taken, no longer match it and are rebuilt.
   */
  async recordRestore(backup: Extract<LogIdentityEvent, { type: typeof LOG_RESTORED }>['data']['backup']) {
    const { events, revision } = await this.store.readStream<LogIdentityEvent>(LOG_IDENTITY_STREAM);
    const previousLogId = events.length ? events[events.length - 1].event.data.logId : null;
    const logId = randomUUID();
    await this.store.appendToStream<LogIdentityEvent>(
      LOG_IDENTITY_STREAM,
      [
        {
          id: randomUUID(),
          event: {
            type: LOG_RESTORED,
            data: { logId, previousLogId, restoredAt: new Date().toISOString(), backup },
          },
          metadata: { actor: 'restore', role: 'system', correlationId: logId, causationId: logId },
        },
      ],
      revision < 0n ? 'no_stream' : revision,
    );
    this.remember(logId);
    return { logId, previousLogId };
  }

  /** Projections of this process being rebuilt because the log changed (for health). */
  rebuilding(): LogRebuild[] {
    return [...this.rebuilds.values()];
  }

  rebuildStarted(projection: string, reason: string): void {
    this.rebuilds.set(projection, { projection, reason, since: new Date().toISOString() });
  }

  rebuildFinished(projection: string): void {
    this.rebuilds.delete(projection);
  }

  private remember(id: string): void {
    if (this.last !== undefined && this.last !== id) this.log(`log identity changed: ${this.last} → ${id}`);
    this.last = id;
  }
}
