import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, streamNameFilter } from '@eventstore/db-client';
import type { Event } from '@tracker/domain';
import type {
  EventFeed,
  EventLogProbe,
  FeedHandlers,
  FeedOptions,
  FeedSubscription,
  RecordedEvent,
} from '@tracker/application';

/**
 * Catch-up subscriptions to `$all` through the client, filtered on the server by stream-name prefix, events
 * handed over strictly one at a time; on a drop it resubscribes after the last handled position, with
 * backoff, so nothing is skipped or handled twice.
 */
export class EsdbEventFeed implements EventFeed, EventLogProbe {
  constructor(private readonly client: EventStoreDBClient) {}

  /**
   * Drains the (one-event) read rather than returning from inside the loop: an abandoned read followed by a
   * subscription on the same client was seen to leave client.dispose() hanging.
   */
  async headPosition(): Promise<bigint> {
    let head = 0n;
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    })) {
      head = resolved.event?.position?.commit ?? resolved.commitPosition ?? head;
    }
    return head;
  }

  /** Reads `$all` forward from `after` (a read from a position includes it: skipped) up to `cap` events. */
  async countAfter(
    streamPrefixes: readonly string[],
    after: bigint | undefined,
    cap: number,
  ): Promise<{ count: number; capped: boolean }> {
    let read = 0;
    let count = 0;
    const events = this.client.readAll({
      direction: FORWARDS,
      fromPosition: after === undefined ? START : { commit: after, prepare: after },
      maxCount: cap + 1,
    });
    for await (const resolved of events) {
      const e = resolved.event;
      const position = e?.position?.commit ?? resolved.commitPosition;
      if (!e || (after !== undefined && position !== undefined && position <= after)) continue;
      if (++read > cap) continue; // drained, not abandoned (see headPosition)
      if (streamPrefixes.some((p) => e.streamId.startsWith(p))) count++;
    }
    return { count, capped: read > cap };
  }

  subscribe<E extends Event>(options: FeedOptions, handlers: FeedHandlers<E>): FeedSubscription {
    let stopped = false;
    let last = options.after;
    let caughtUp = false;
    /** Served since the last drop: a drop is then reported at once (see the catch). */
    let healthy = false;
    let current: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;

    const run = async () => {
      for (let attempt = 0; !stopped; attempt++) {
        try {
          current = this.client.subscribeToAll({
            fromPosition: last === undefined ? START : { commit: last, prepare: last },
            filter: streamNameFilter({ prefixes: [...options.streamPrefixes] }),
          });
          current.on('caughtUp', () => {
            healthy = true;
            if (!caughtUp) {
              caughtUp = true;
              handlers.onCaughtUp?.();
            }
          });
          for await (const resolved of current) {
            const e = resolved.event;
            if (!e || stopped) continue;
            const position = e.position?.commit ?? 0n;
            await handlers.onEvent({
              event: { type: e.type, data: e.data } as unknown as E,
              id: e.id,
              streamName: e.streamId,
              revision: e.revision,
              position,
              metadata: (e.metadata ?? {}) as RecordedEvent['metadata'],
              recordedAt: e.created,
            });
            last = position;
            attempt = 0;
            healthy = true;
          }
        } catch (error) {
          if (stopped) return;
          // The first drop after serving is reported at once: the event store behind the connection may be
          // another log now (a restore), which the runner checks when it opens its sink again.
          if (healthy || attempt >= 8) handlers.onError?.(error as Error);
          healthy = false;
          await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** Math.min(attempt, 6))));
        }
      }
    };
    const done = run();
    return {
      async stop() {
        stopped = true;
        await current?.unsubscribe().catch(() => undefined);
        await done;
      },
    };
  }
}
