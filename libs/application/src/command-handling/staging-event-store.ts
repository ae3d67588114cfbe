import type { Event } from '@tracker/domain';
import {
  ExpectedRevisionConflict,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadStreamResult,
  type RecordedEvent,
} from '../ports/event-store.port';

/**
 * New streams held in memory while a batch of commands is decided against them, each command by its own
 * handler and decider as against the log (expected revisions checked here the same way), then written with
 * one append per stream (`commitTo`). For writers that create whole streams at once (the demo seeder): a
 * stream it has not staged reads as not existing, and the commit expects the stream not to exist in the log
 * either, so a batch never lands on top of an existing stream.
 */
export class StagingEventStore implements EventStore {
  private readonly streams = new Map<string, EventToAppend[]>();

  readStream<E extends Event>(streamName: string): Promise<ReadStreamResult<E>> {
    const staged = (this.streams.get(streamName) ?? []) as EventToAppend<E>[];
    const events = staged.map((e, i): RecordedEvent<E> => ({
      event: e.event,
      id: e.id,
      streamName,
      revision: BigInt(i),
      // Not in the log yet: no position, no recording time.
      position: -1n,
      metadata: e.metadata,
      recordedAt: new Date(0),
    }));
    return Promise.resolve({ events, revision: BigInt(staged.length - 1) });
  }

  appendToStream<E extends Event>(
    streamName: string,
    events: readonly EventToAppend<E>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const staged = this.streams.get(streamName) ?? [];
    const actual = staged.length === 0 ? ('no_stream' as const) : BigInt(staged.length - 1);
    const fits =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'stream_exists' && actual !== 'no_stream') ||
      expected === actual;
    if (!fits) return Promise.reject(new ExpectedRevisionConflict(streamName, expected, actual));
    staged.push(...events);
    this.streams.set(streamName, staged);
    return Promise.resolve({ nextExpectedRevision: BigInt(staged.length - 1), position: -1n });
  }

  /** Names of the staged streams, in the order they were first appended to. */
  get streamNames(): readonly string[] {
    return [...this.streams.keys()];
  }

  /** Events staged in all streams. */
  get size(): number {
    let n = 0;
    for (const events of this.streams.values()) n += events.length;
    return n;
  }

  /**
   * Appends each staged stream to `store` in one append expecting no stream (same event ids and metadata),
   * the streams concurrently; answers each stream's result, or its error (an ExpectedRevisionConflict when
   * the stream is already in the log).
   */
  async commitTo(store: EventStore): Promise<Map<string, AppendResult | Error>> {
    const results = await Promise.all(
      [...this.streams].map(([name, events]) =>
        store.appendToStream(name, events, 'no_stream').then(
          (result): [string, AppendResult | Error] => [name, result],
          (error: unknown): [string, AppendResult | Error] => [
            name,
            error instanceof Error ? error : new Error(String(error)),
          ],
        ),
      ),
    );
    return new Map(results);
  }
}
