import {
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { collect, rejectionOf, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { readStreamEvents, revisionsOf, testEvents } from './contract-helpers';

/**
 * Soft delete and tombstone (esdb.md §4.8), and WrongExpectedVersion as Delete/Tombstone carry it: a gRPC
 * FAILED_PRECONDITION whose trailers hold raw longs, so `expectedVersion` is a bigint (-1n no_stream, -4n
 * stream_exists, or the revision) (§4.3 case 3).
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

async function streamWithEvents(count: number, prefix = 'del'): Promise<string> {
  const stream = store().streamName(prefix);
  await store().client.appendToStream(stream, testEvents(count));
  return stream;
}

/** v6 types tombstone's expectedRevision without stream_exists, but tombstoneStream.js sends it (StreamExists). */
const TOMBSTONE_STREAM_EXISTS = STREAM_EXISTS as unknown as bigint;

function expectTrailerWev(error: unknown, stream: string, expected: bigint, actual: bigint | 'absent'): void {
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  const wev = error as WrongExpectedVersionError;
  expect(wev.streamName).toBe(stream);
  expect(wev.expectedVersion).toBe(expected);
  if (actual === 'absent') {
    // `actual-version` is a long or empty: -1 ("no stream") decodes to -1n, an empty trailer to "no_stream".
    expect([-1n, 'no_stream']).toContain(wev.actualVersion);
  } else {
    expect(wev.actualVersion).toBe(actual);
  }
}

describe('soft delete (deleteStream)', () => {
  it('makes reads fail with StreamNotFoundError and returns a position', async () => {
    const stream = await streamWithEvents(3);
    const result = await store().client.deleteStream(stream);
    if (result.position) expect(result.position.commit).toBe(result.position.prepare);
    const error = await rejectionOf(readStreamEvents(store().client, stream));
    expect(error).toBeInstanceOf(StreamNotFoundError);
  });

  it('then an append undeletes the stream and the revisions continue; only the new events are read', async () => {
    const stream = await streamWithEvents(3);
    await store().client.deleteStream(stream);
    const result = await store().client.appendToStream(stream, testEvents(2));
    expect(result.nextExpectedRevision).toBe(4n);
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([3, 4]);
    const meta = await store().client.getStreamMetadata(stream);
    expect(meta.metadata?.truncateBefore).toBe(3);
  });

  it('keeps the deleted events in $all', async () => {
    const stream = await streamWithEvents(3);
    const [first] = await readStreamEvents(store().client, stream, { maxCount: 1 });
    await store().client.deleteStream(stream);
    const all = await collect(store().client.readAll({ fromPosition: first.event!.position! }));
    expect(all.filter((e) => e.event?.streamId === stream).map((e) => Number(e.event!.revision))).toEqual([
      0, 1, 2,
    ]);
  });

  it('with the exact last revision succeeds', async () => {
    const stream = await streamWithEvents(3);
    await store().client.deleteStream(stream, { expectedRevision: 2n });
    await expect(readStreamEvents(store().client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('with a wrong revision fails: WEV{expectedVersion 1n, actualVersion 2n}, nothing deleted', async () => {
    const stream = await streamWithEvents(3);
    const error = await rejectionOf(store().client.deleteStream(stream, { expectedRevision: 1n }));
    expectTrailerWev(error, stream, 1n, 2n);
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2]);
  });

  it('with no_stream on an existing stream fails: WEV{expectedVersion -1n, actualVersion 2n}', async () => {
    const stream = await streamWithEvents(3);
    const error = await rejectionOf(store().client.deleteStream(stream, { expectedRevision: NO_STREAM }));
    expectTrailerWev(error, stream, -1n, 2n);
  });

  it('with an exact revision on an absent stream fails: WEV{expectedVersion 4n}', async () => {
    const stream = store().streamName('absent');
    const error = await rejectionOf(store().client.deleteStream(stream, { expectedRevision: 4n }));
    expectTrailerWev(error, stream, 4n, 'absent');
  });

  it('with no_stream on an absent stream: WEV{-1n} on current servers (success on older ones)', async () => {
    const stream = store().streamName('absent');
    const outcome = await store()
      .client.deleteStream(stream, { expectedRevision: NO_STREAM })
      .then(
        () => 'ok',
        (error: unknown) => error,
      );
    if (outcome !== 'ok') expectTrailerWev(outcome, stream, -1n, 'absent');
  });

  it('with any (the default) on an absent stream: WEV, as current servers answer', async () => {
    const stream = store().streamName('absent');
    const error = await rejectionOf(store().client.deleteStream(stream));
    expectTrailerWev(error, stream, -2n, 'absent');
    expect((await store().client.getStreamMetadata(stream)).metadata).toBeUndefined();
  });

  it('with no_stream on a stream that only has metadata succeeds', async () => {
    const stream = store().streamName('metaonly');
    await store().client.setStreamMetadata(stream, { custom: true });
    await store().client.deleteStream(stream, { expectedRevision: NO_STREAM });
  });
});

describe('tombstone (tombstoneStream)', () => {
  it('is permanent: read, append, delete and tombstone all fail with StreamDeletedError naming the stream', async () => {
    const stream = await streamWithEvents(2, 'tomb');
    const result = await store().client.tombstoneStream(stream);
    if (result.position) expect(result.position.commit).toBe(result.position.prepare);
    const attempts = [
      readStreamEvents(store().client, stream),
      collect(store().client.readStream(stream, { fromRevision: START, maxCount: 1 })),
      store().client.appendToStream(stream, testEvents(1)),
      store().client.appendToStream(stream, testEvents(1), { expectedRevision: NO_STREAM }),
      store().client.deleteStream(stream),
      store().client.tombstoneStream(stream),
      store().client.setStreamMetadata(stream, { maxCount: 1 }),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(attempt);
      expect(error).toBeInstanceOf(StreamDeletedError);
    }
    const error = await rejectionOf(store().client.appendToStream(stream, testEvents(1)));
    expect((error as StreamDeletedError).streamName).toBe(stream);
  });

  it('of an absent stream with any makes it deleted for good', async () => {
    const stream = store().streamName('tomb-absent');
    await store().client.tombstoneStream(stream);
    await expect(store().client.appendToStream(stream, testEvents(1))).rejects.toBeInstanceOf(
      StreamDeletedError,
    );
  });

  it('after a soft delete still tombstones', async () => {
    const stream = await streamWithEvents(2, 'tomb');
    await store().client.deleteStream(stream);
    await store().client.tombstoneStream(stream);
    await expect(readStreamEvents(store().client, stream)).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('leaves the old events and a $streamDeleted record in $all', async () => {
    const stream = await streamWithEvents(2, 'tomb');
    const [first] = await readStreamEvents(store().client, stream, { maxCount: 1 });
    await store().client.tombstoneStream(stream);
    const all = await collect(store().client.readAll({ fromPosition: first.event!.position! }));
    const ours = all.filter((e) => e.event?.streamId === stream);
    expect(ours.map((e) => e.event!.type)).toEqual(['ContractTested', 'ContractTested', '$streamDeleted']);
  });

  it('with stream_exists on an absent stream fails: WEV{expectedVersion -4n}', async () => {
    const stream = store().streamName('absent');
    const error = await rejectionOf(
      store().client.tombstoneStream(stream, { expectedRevision: TOMBSTONE_STREAM_EXISTS }),
    );
    expectTrailerWev(error, stream, -4n, 'absent');
  });

  it('with no_stream on an existing stream fails: WEV{expectedVersion -1n, actualVersion 1n}', async () => {
    const stream = await streamWithEvents(2, 'tomb');
    const error = await rejectionOf(store().client.tombstoneStream(stream, { expectedRevision: NO_STREAM }));
    expectTrailerWev(error, stream, -1n, 1n);
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1]);
  });

  it('with a wrong exact revision fails: WEV{expectedVersion 5n, actualVersion 1n}', async () => {
    const stream = await streamWithEvents(2, 'tomb');
    const error = await rejectionOf(store().client.tombstoneStream(stream, { expectedRevision: 5n }));
    expectTrailerWev(error, stream, 5n, 1n);
  });

  it('with stream_exists or the exact revision on an existing stream succeeds', async () => {
    const a = await streamWithEvents(2, 'tomb');
    await store().client.tombstoneStream(a, { expectedRevision: TOMBSTONE_STREAM_EXISTS });
    const b = await streamWithEvents(2, 'tomb');
    await store().client.tombstoneStream(b, { expectedRevision: 1n });
    await expect(readStreamEvents(store().client, a)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(readStreamEvents(store().client, b)).rejects.toBeInstanceOf(StreamDeletedError);
  });
});
