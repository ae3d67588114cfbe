import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import type { Event } from '@tracker/domain';
import type {
  EventFeed,
  EventLogProbe,
  FeedHandlers,
  FeedOptions,
  FeedSubscription,
  RecordedEvent,
} from '@tracker/application';

/** Events per page of a wide feed's history (see FeedOptions.wide). */
const HISTORY_PAGE = 4096;

/**
 * Catch-up subscriptions to `$all` through the client, filtered on the server by stream-name prefix, events
 * handed over strictly one at a time; on a drop it resubscribes after the last handled position, with
 * backoff, so nothing is skipped or handled twice. A wide feed first reads the history in plain pages of
 * `$all` (see FeedOptions.wide), then subscribes after the last event read.
 */
export class EsdbEventFeed implements EventFeed, EventLogProbe {
  private readonly historyPage: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: Readonly<{ historyPage?: number }> = {},
  ) {
    this.historyPage = options.historyPage ?? HISTORY_PAGE;
  }

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
    let attempt = 0;
    let current: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
    const prefixes = options.streamPrefixes;
    const recorded = (
      e: NonNullable<AllStreamResolvedEvent['event']>,
      position: bigint,
    ): RecordedEvent<E> => ({
      event: { type: e.type, data: e.data } as unknown as E,
      id: e.id,
      streamName: e.streamId,
      revision: e.revision,
      position,
      metadata: (e.metadata ?? {}) as RecordedEvent['metadata'],
      recordedAt: e.created,
    });
    /**
     * Pages of `$all` after `last`, the prefixes' events handed over, until a page comes back short: the
     * head was reached while it was read, and the subscription resumes after the last event read. A page
     * is drained even once stopped (see headPosition).
     */
    const readHistory = async () => {
      for (;;) {
        let read = 0;
        const page = this.client.readAll({
          direction: FORWARDS,
          fromPosition: last === undefined ? START : { commit: last, prepare: last },
          maxCount: this.historyPage,
        });
        for await (const resolved of page) {
          read++;
          const e = resolved.event;
          if (!e || stopped) continue;
          const position = e.position?.commit ?? 0n;
          if (last !== undefined && position <= last) continue; // a read from a position includes it
          if (prefixes.some((p) => e.streamId.startsWith(p))) {
            const wait = handlers.onEvent(recorded(e, position));
            if (wait) await wait;
          }
          last = position;
          attempt = 0;
          healthy = true;
        }
        if (stopped || read < this.historyPage) return;
      }
    };

    const run = async () => {
      for (; !stopped; attempt++) {
        try {
          if (options.wide) {
            await readHistory();
            if (stopped) return;
          }
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
            await handlers.onEvent(recorded(e, position));
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
