/** Expected state of a stream before a write (esdb.md §4.2). */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'exact'; readonly revision: number };

/** An event as proposed by a client; metadata is the user's custom metadata. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly metadata: Buffer;
}

/** A committed event. `position` is both its commit and prepare position. */
export interface StoredEvent {
  readonly position: number;
  readonly stream: string;
  /** 0-based; a tombstone record carries TOMBSTONE_REVISION. */
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  /** Microseconds since the Unix epoch (ticks = micros × 10). */
  readonly created: number;
  readonly data: Buffer;
  readonly metadata: Buffer;
}

export type WriteOutcome =
  | { readonly status: 'ok'; readonly lastRevision: number; readonly position: number }
  | { readonly status: 'wrong-expected-version'; readonly currentRevision: number /* -1: no stream */ }
  | { readonly status: 'stream-deleted' };

export type StreamReadOutcome =
  | {
      readonly status: 'ok';
      readonly events: StoredEvent[];
      /** True when the page ended before `limit` rows: nothing further in that direction. */
      readonly exhausted: boolean;
      /** Where the next page starts (inclusive), past every row scanned, expired ones included. */
      readonly next: number;
    }
  | { readonly status: 'not-found' }
  | { readonly status: 'stream-deleted' };

/** Stored revision of a tombstone record; reported to clients as long.MaxValue. */
export const TOMBSTONE_REVISION = -2;
export const TOMBSTONE_REVISION_TEXT = '9223372036854775807';
