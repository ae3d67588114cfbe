import { BACKWARDS, END, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import { collect, eventually, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { readStreamEvents, revisionsOf, testEvents } from './contract-helpers';

/**
 * Stream metadata (esdb.md §4.7): a `$metadata` JSON event in `$$<stream>`, system keys enforced at read
 * time ($maxCount, $maxAge, $tb), custom keys kept.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

async function streamWithEvents(count: number): Promise<string> {
  const stream = store().streamName('meta');
  await store().client.appendToStream(stream, testEvents(count));
  return stream;
}

describe('getStreamMetadata / setStreamMetadata', () => {
  it('returns just the stream name when no metadata was set (missing metastream)', async () => {
    const stream = await streamWithEvents(1);
    const result = await store().client.getStreamMetadata(stream);
    expect(result.streamName).toBe(stream);
    expect(result.metadata).toBeUndefined();
  });

  it('round-trips system and custom keys, and returns the latest version', async () => {
    const stream = await streamWithEvents(1);
    const first = await store().client.setStreamMetadata(stream, { maxCount: 7, owner: 'one-stop-shop' });
    expect(first.nextExpectedRevision).toBe(0n);
    const second = await store().client.setStreamMetadata(stream, {
      maxCount: 50,
      maxAge: 3600,
      truncateBefore: 0,
      owner: 'ward 3',
      nested: { a: [1, 'hai'] },
    });
    expect(second.nextExpectedRevision).toBe(1n);
    const result = await store().client.getStreamMetadata(stream);
    expect(result.metadata).toEqual({
      maxCount: 50,
      maxAge: 3600,
      truncateBefore: 0,
      owner: 'ward 3',
      nested: { a: [1, 'hai'] },
    });
  });

  it('stores it as a $metadata JSON event in $$<stream>', async () => {
    const stream = await streamWithEvents(1);
    await store().client.setStreamMetadata(stream, { maxCount: 3 });
    const [meta] = await collect(
      store().client.readStream(`$$${stream}`, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    );
    expect(meta.event).toMatchObject({ streamId: `$$${stream}`, type: '$metadata', isJson: true });
    expect(meta.event!.data).toEqual({ $maxCount: 3 });
  });

  it('honours the expected revision of the metastream', async () => {
    const stream = await streamWithEvents(1);
    await store().client.setStreamMetadata(stream, { maxCount: 3 }, { expectedRevision: NO_STREAM });
    await expect(
      store().client.setStreamMetadata(stream, { maxCount: 4 }, { expectedRevision: NO_STREAM }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('can be set before the stream exists', async () => {
    const stream = store().streamName('meta-first');
    await store().client.setStreamMetadata(stream, { maxCount: 2 });
    await store().client.appendToStream(stream, testEvents(5));
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([3, 4]);
  });
});

describe('enforced at read time', () => {
  it('$maxCount keeps only the newest N events, forwards and backwards', async () => {
    const stream = await streamWithEvents(20);
    await store().client.setStreamMetadata(stream, { maxCount: 2 });
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([18, 19]);
    expect(
      revisionsOf(
        await readStreamEvents(store().client, stream, { direction: BACKWARDS, fromRevision: END }),
      ),
    ).toEqual([19, 18]);
    expect(revisionsOf(await readStreamEvents(store().client, stream, { fromRevision: 5n }))).toEqual([
      18, 19,
    ]);
    await store().client.appendToStream(stream, testEvents(1));
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([19, 20]);
  });

  it('$tb hides revisions before it, wherever the read starts', async () => {
    const stream = await streamWithEvents(10);
    await store().client.setStreamMetadata(stream, { truncateBefore: 6 });
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([6, 7, 8, 9]);
    expect(
      revisionsOf(await readStreamEvents(store().client, stream, { fromRevision: 2n, maxCount: 2 })),
    ).toEqual([6, 7]);
    expect(
      revisionsOf(
        await readStreamEvents(store().client, stream, { direction: BACKWARDS, fromRevision: END }),
      ),
    ).toEqual([9, 8, 7, 6]);
  });

  it('$maxAge hides events older than N seconds', async () => {
    const aging = await streamWithEvents(3);
    const keeping = await streamWithEvents(3);
    await store().client.setStreamMetadata(aging, { maxAge: 1 });
    await store().client.setStreamMetadata(keeping, { maxAge: 3600 });
    await eventually(async () => expect(await readStreamEvents(store().client, aging)).toEqual([]), {
      timeoutMs: 5_000,
      intervalMs: 100,
    });
    expect(revisionsOf(await readStreamEvents(store().client, keeping))).toEqual([0, 1, 2]);
    const fresh = await store().client.appendToStream(aging, testEvents(1));
    expect(revisionsOf(await readStreamEvents(store().client, aging))).toEqual([
      Number(fresh.nextExpectedRevision),
    ]);
  });

  it('leaves the events in $all', async () => {
    const stream = await streamWithEvents(5);
    const [first] = await readStreamEvents(store().client, stream, { maxCount: 1 });
    await store().client.setStreamMetadata(stream, { maxCount: 1 });
    const all = await collect(store().client.readAll({ fromPosition: first.event!.position! }));
    expect(all.filter((e) => e.event?.streamId === stream)).toHaveLength(5);
  });
});
