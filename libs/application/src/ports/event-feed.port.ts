import type { Event } from '@tracker/domain';
import type { RecordedEvent } from './event-store.port';

export const EVENT_FEED = Symbol('EVENT_FEED');

export type FeedOptions = Readonly<{
  /** Only streams whose names start with one of these (server-side filter). */
  streamPrefixes: readonly string[];
  /** Resume after this commit position (exclusive); from the start of `$all` when absent. */
  after?: bigint;
}>;

export type FeedHandlers<E extends Event = Event> = Readonly<{
  /** Called in `$all` order, one at a time: the next event waits for the returned promise. */
  onEvent(event: RecordedEvent<E>): void | Promise<void>;
  /** Called once, when the feed has delivered everything recorded before it started. */
  onCaughtUp?(): void;
  /** The subscription dropped (after the runner's own retries): the caller decides. */
  onError?(error: Error): void;
}>;

export interface FeedSubscription {
  stop(): Promise<void>;
}

/** A durable, ordered catch-up subscription to `$all`. */
export interface EventFeed {
  subscribe<E extends Event>(options: FeedOptions, handlers: FeedHandlers<E>): FeedSubscription;
}
