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
import { isUnavailableError } from '../unavailable';

export type EsdbEventStoreOptions = Readonly<{
  /** How long an append may go unanswered before its outcome is treated as unknown (the client's deadline). */
  appendDeadlineMs?: number;
  /** How long to keep asking the store what became of an append whose answer was lost before giving up (503). */
  resolveWithinMs?: number;
}>;

/** An append that went unanswered: it may or may not have been written. */
class AppendOutcomeUnknown extends Error {
  readonly type = 'deadline-exceeded';
  constructor(streamName: string, ms: number) {
    super(`no answer to the append to ${streamName} in ${ms} ms`);
  }
}

/** The event store port over @eventstore/db-client: the only place the tracker speaks ESDB for writes. */
export class EsdbEventStore implements EventStore {
  private readonly appendDeadlineMs: number;
  private readonly resolveWithinMs: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.appendDeadlineMs = options.appendDeadlineMs ?? 10_000;
    this.resolveWithinMs = options.resolveWithinMs ?? 15_000;
  }

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

  /**
   * An append whose answer is lost (a deadline, a connection dropped mid-call) may have been written. Its
   * outcome is settled here before anyone answers: once the store answers again, the stream is read for the
   * events' ids; found, the append succeeded; not found, the same append (same ids, same expected revision,
   * which the store treats as idempotent) is sent again. Only when the store stays silent for
   * `resolveWithinMs` does the error go up (503): a caller retrying then cannot know more than the server.
   */
  async appendToStream<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      return await this.appendOnce(streamName, events, expected);
    } catch (error) {
      if (!isUnavailableError(error) || neverSent(error)) throw error;
      return this.resolveUnknown(streamName, events, expected, error);
    }
  }

  private async resolveUnknown<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
    original: unknown,
  ): Promise<AppendResult> {
    const giveUpAt = Date.now() + this.resolveWithinMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
      try {
        const found = await this.find(streamName, events);
        if (found) return found;
        return await this.appendOnce(streamName, events, expected);
      } catch (error) {
        // The re-sent append met the first one (written meanwhile, then the stream moved on): look again.
        if (error instanceof ExpectedRevisionConflict) {
          const found = await this.find(streamName, events).catch(() => undefined);
          if (found) return found;
          throw error;
        }
        if (!isUnavailableError(error) || Date.now() + pause > giveUpAt) throw original;
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** The append's result when all its events are in the stream (by id), read back. */
  private async find<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
  ): Promise<AppendResult | undefined> {
    const ids = new Set(events.map((e) => e.id));
    const recorded = (await this.readStream(streamName)).events.filter((r) => ids.has(r.id));
    if (recorded.length !== ids.size) return undefined;
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private async appendOnce<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // The client sends the deadline to the server but does not time a batch append out itself: an answer
      // stalled on the way back would be awaited until the connection's keep-alive gives up.
      const answered = this.client.appendToStream(
        streamName,
        events.map((e) =>
          jsonEvent({
            id: e.id,
            type: e.event.type,
            data: e.event.data as Record<string, unknown>,
            metadata: e.metadata as Record<string, unknown>,
          }),
        ),
        { expectedRevision: toEsdbRevision(expected), deadline: this.appendDeadlineMs },
      );
      const result = await Promise.race([
        answered,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new AppendOutcomeUnknown(streamName, this.appendDeadlineMs)),
            this.appendDeadlineMs,
          );
        }),
      ]);
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
    } finally {
      clearTimeout(timer);
    }
  }
}

/** grpc-js's words for a call that found no connection: it never left this process, so nothing was written. */
function neverSent(error: unknown): boolean {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /No connection established|ECONNREFUSED/.test(message);
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
