import type { Event } from '@tracker/domain';
import type { RecordedEvent } from './event-store.port';

export const EVENT_FEED = Symbol('EVENT_FEED');

export type FeedOptions = Readonly<{
  /** Only streams whose names start with one of these (server-side filter). */
  streamPrefixes: readonly string[];
  /** Resume after this commit position (exclusive); from the start of `$all` when absent. */
  after?: bigint;
  /**
   * The prefixes select most of `$all` (the worker's shared feed): the history up to the head may then be
   * read as plain pages of `$all` and filtered by the feed, which costs the event store and the client far
   * less per event than a filtered subscription; the subscription takes over from the last event read.
   * Left out for a few streams, which the event store serves through its stream index.
   */
  wide?: boolean;
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
