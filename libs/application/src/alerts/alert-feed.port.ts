import type { DeadlineAlert } from '@tracker/domain';

export const ALERT_FEED = Symbol('ALERT_FEED');

/** One change of the open alerts: an alert opened or closed. */
export type AlertChange = Readonly<{ change: 'opened' | 'closed'; alert: DeadlineAlert }>;

/**
 * An entry of the change feed. Its id is `<commit position of the event>-<n>` (n from 1): the same event
 * always gives the same ids, so a replay (a retried batch, a rebuild after Redis was lost) appends nothing
 * twice, and a reader resuming after an id misses nothing.
 */
export type AlertFeedEntry = Readonly<{ id: string } & AlertChange>;

/** Orders two feed ids (`<ms>-<seq>`, as Redis Streams number entries). */
export function compareFeedIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

export interface AlertFeedReader {
  /** Entries after `after` (exclusive; '$' for only new ones), waiting up to `blockMs` for the first. */
  read(after: string, blockMs: number, count?: number): Promise<AlertFeedEntry[]>;
  close(): Promise<void>;
}

/** A capped Redis Stream of alert changes. */
export interface AlertFeed {
  /** Appends in id order; ids at or below the last one are skipped (already there). */
  append(entries: readonly AlertFeedEntry[]): Promise<void>;
  /** The id of the last entry ('0-0' when empty): where a new reader starts. */
  lastId(): Promise<string>;
  /** Forgets every entry: the alerts are rebuilt from another log, whose positions start again. */
  reset(): Promise<void>;
  /** Up to `count` entries after `after` (exclusive) as they are now, without waiting (a client catching up). */
  range(after: string, count: number): Promise<AlertFeedEntry[]>;
  /** A reader on its own connection (a blocking read holds it): one per process serves every SSE client. */
  reader(): AlertFeedReader;
}
