import type { Event } from '@tracker/domain';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** The stream's expected state for an append: a revision (0-based, last event), or one of ESDB's states. */
export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

/** What every event carries besides its data (PRODUCT.md, "Events"). */
export type EventMetadata = Readonly<{
  actor: string;
  role?: string;
  correlationId: string;
  causationId: string;
  occurredAt?: string;
}>;

export type RecordedEvent<E extends Event = Event> = Readonly<{
  event: E;
  id: string;
  streamName: string;
  revision: bigint;
  position: bigint;
  metadata: Partial<EventMetadata>;
  /** When the store recorded it (not when it happened). */
  recordedAt: Date;
}>;

export type EventToAppend<E extends Event = Event> = Readonly<{
  event: E;
  id: string;
  metadata: EventMetadata;
}>;

export type ReadStreamResult<E extends Event = Event> = Readonly<{
  events: RecordedEvent<E>[];
  /** Revision of the last event, or -1n when the stream does not exist. */
  revision: bigint;
}>;

export type AppendResult = Readonly<{ nextExpectedRevision: bigint; position: bigint }>;

/** Thrown by appendToStream when the stream moved on since it was read. */
export class ExpectedRevisionConflict extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream' | undefined,
  ) {
    super(`stream ${streamName} is not at the expected revision ${String(expected)}`);
    this.name = 'ExpectedRevisionConflict';
  }
}

export interface EventStore {
  readStream<E extends Event>(streamName: string): Promise<ReadStreamResult<E>>;
  appendToStream<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
}
