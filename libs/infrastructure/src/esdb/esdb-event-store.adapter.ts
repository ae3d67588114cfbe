import {
  ANY,
  EventStoreDBClient,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import type { Event } from '@tracker/domain';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ExpectedRevisionConflict,
  ReadStreamResult,
  RecordedEvent,
} from '@tracker/application';

/** The event store port over @eventstore/db-client: the only place the tracker speaks ESDB for writes. */
export class EsdbEventStore implements EventStore {
  constructor(private readonly client: EventStoreDBClient) {}

  async readStream<E extends Event>(streamName: string): Promise<ReadStreamResult<E>> {
    const events: RecordedEvent<E>[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName)) {
        const e = resolved.event;
        if (!e) continue;
        events.push({
          event: { type: e.type, data: e.data } as unknown as E,
          id: e.id,
          streamName: e.streamId,
          revision: e.revision,
          position: e.position?.commit ?? 0n,
          metadata: (e.metadata ?? {}) as RecordedEvent['metadata'],
          recordedAt: e.created,
        });
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { events: [], revision: -1n };
      throw error;
    }
    return { events, revision: events.length ? events[events.length - 1].revision : -1n };
  }

  async appendToStream<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamName,
        events.map((e) =>
          jsonEvent({
            id: e.id,
            type: e.event.type,
            data: e.event.data as Record<string, unknown>,
            metadata: e.metadata as Record<string, unknown>,
          }),
        ),
        { expectedRevision: toEsdbRevision(expected) },
      );
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position?.commit ?? 0n };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new ExpectedRevisionConflict(
          streamName,
          expected,
          typeof actual === 'bigint' ? actual : actual === 'no_stream' ? 'no_stream' : undefined,
        );
      }
      throw error;
    }
  }
}

function toEsdbRevision(expected: ExpectedRevision) {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}
