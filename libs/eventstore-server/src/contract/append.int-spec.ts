import {
  AppendExpectedRevision,
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { rejectionOf, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import {
  APPEND_PATHS,
  AppendPath,
  appendVia,
  readStreamEvents,
  revisionsOf,
  spyOnAppendRpcs,
  testEvents,
} from './contract-helpers';

/**
 * Append: expected revision × stream condition (esdb.md §4.2), where WrongExpectedVersion travels and what the
 * client makes of it (§4.3), results (§4.1), through both append RPCs (§2).
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

async function existingStream(path: AppendPath, lastRevision: number): Promise<string> {
  const stream = store().streamName('append');
  await appendVia(path, store().client, stream, testEvents(lastRevision + 1));
  return stream;
}

async function softDeletedStream(path: AppendPath, lastRevision: number): Promise<string> {
  const stream = await existingStream(path, lastRevision);
  await store().client.deleteStream(stream);
  return stream;
}

async function tombstonedStream(path: AppendPath): Promise<string> {
  const stream = await existingStream(path, 1);
  await store().client.tombstoneStream(stream);
  return stream;
}

function expectWrongExpectedVersion(
  error: unknown,
  streamName: string,
  expectedVersion: AppendExpectedRevision,
  actualVersion?: bigint | 'no_stream',
): void {
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  const wev = error as WrongExpectedVersionError;
  expect(wev.streamName).toBe(streamName);
  expect(wev.expectedVersion).toBe(expectedVersion);
  if (actualVersion !== undefined) expect(wev.actualVersion).toBe(actualVersion);
}

describe('append RPC selection', () => {
  it('uses BatchAppend by default (advertised by ServerFeatures) and Append when per-call credentials are given', async () => {
    const spies = spyOnAppendRpcs();
    try {
      const client = store().createClient();
      const stream = store().streamName('rpc');
      await appendVia('BatchAppend', client, stream, testEvents(1));
      expect(spies.batchAppend).toHaveBeenCalled();
      expect(spies.append).not.toHaveBeenCalled();
      spies.batchAppend.mockClear();
      await appendVia('Append', client, stream, testEvents(1));
      expect(spies.append).toHaveBeenCalledTimes(1);
      expect(spies.batchAppend).not.toHaveBeenCalled();
      expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0, 1]);
    } finally {
      spies.restore();
    }
  });
});

describe.each(APPEND_PATHS)('append through %s', (path) => {
  const append = (stream: string, count: number, expectedRevision?: AppendExpectedRevision) =>
    appendVia(path, store().client, stream, testEvents(count), { expectedRevision });

  describe('to an absent stream', () => {
    it.each([ANY, NO_STREAM] as const)('with %s succeeds and starts at revision 0', async (expected) => {
      const stream = store().streamName('absent');
      const result = await append(stream, 3, expected);
      expect(result.success).toBe(true);
      expect(result.nextExpectedRevision).toBe(2n);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2]);
    });

    it('with stream_exists fails: WEV{expected stream_exists, actual no_stream}, nothing written', async () => {
      const stream = store().streamName('absent');
      const error = await rejectionOf(append(stream, 1, STREAM_EXISTS));
      expectWrongExpectedVersion(error, stream, STREAM_EXISTS, 'no_stream');
      await expect(readStreamEvents(store().client, stream)).rejects.toThrow();
    });

    it.each([0n, 5n])('with exact revision %s fails: WEV{expected R, actual no_stream}', async (revision) => {
      const stream = store().streamName('absent');
      const error = await rejectionOf(append(stream, 1, revision));
      expectWrongExpectedVersion(error, stream, revision, 'no_stream');
    });

    it('with stream_exists succeeds when only the stream metadata exists', async () => {
      const stream = store().streamName('metaonly');
      await store().client.setStreamMetadata(stream, { custom: 1 });
      const result = await append(stream, 1, STREAM_EXISTS);
      expect(result.nextExpectedRevision).toBe(0n);
    });
  });

  describe('to an existing stream (last revision 2)', () => {
    it('with any succeeds and continues the revisions', async () => {
      const stream = await existingStream(path, 2);
      const result = await append(stream, 2, ANY);
      expect(result.nextExpectedRevision).toBe(4n);
    });

    it('with stream_exists succeeds', async () => {
      const stream = await existingStream(path, 2);
      expect((await append(stream, 1, STREAM_EXISTS)).nextExpectedRevision).toBe(3n);
    });

    it('with the exact last revision succeeds', async () => {
      const stream = await existingStream(path, 2);
      expect((await append(stream, 1, 2n)).nextExpectedRevision).toBe(3n);
    });

    it('with no_stream fails: WEV{expected no_stream, actual 2}, nothing written', async () => {
      const stream = await existingStream(path, 2);
      const error = await rejectionOf(append(stream, 1, NO_STREAM));
      expectWrongExpectedVersion(error, stream, NO_STREAM, 2n);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2]);
    });

    it.each([1n, 0n, 3n, 7n])(
      'with exact revision %s and new event ids fails: WEV{expected R, actual 2}',
      async (revision) => {
        const stream = await existingStream(path, 2);
        const error = await rejectionOf(append(stream, 1, revision));
        expectWrongExpectedVersion(error, stream, revision, 2n);
        expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2]);
      },
    );
  });

  describe('to a soft-deleted stream (last revision 2)', () => {
    it.each([ANY, NO_STREAM] as const)(
      'with %s recreates it and the revisions continue at 3',
      async (expected) => {
        const stream = await softDeletedStream(path, 2);
        const result = await append(stream, 2, expected);
        expect(result.nextExpectedRevision).toBe(4n);
        expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([3, 4]);
      },
    );

    it('with stream_exists fails with WrongExpectedVersion', async () => {
      const stream = await softDeletedStream(path, 2);
      const error = await rejectionOf(append(stream, 1, STREAM_EXISTS));
      expectWrongExpectedVersion(error, stream, STREAM_EXISTS);
    });

    // esdb.md leaves this cell open ("—"); the real server keeps the last revision of a soft-deleted stream, so
    // the exact last revision is accepted and the stream is recreated, like `any`.
    it('with the exact last revision recreates it at revision 3', async () => {
      const stream = await softDeletedStream(path, 2);
      expect((await append(stream, 1, 2n)).nextExpectedRevision).toBe(3n);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([3]);
    });
  });

  describe('to a tombstoned stream', () => {
    it.each([ANY, NO_STREAM, STREAM_EXISTS, 1n, 5n] as const)(
      'with %s fails with StreamDeletedError naming the stream',
      async (expected) => {
        const stream = await tombstonedStream(path);
        const error = await rejectionOf(append(stream, 1, expected));
        expect(error).toBeInstanceOf(StreamDeletedError);
        expect((error as StreamDeletedError).streamName).toBe(stream);
      },
    );
  });

  describe('results', () => {
    it('nextExpectedRevision is the last revision written and position is the last event position', async () => {
      const stream = store().streamName('result');
      const first = await append(stream, 4);
      expect(first.nextExpectedRevision).toBe(3n);
      const second = await append(stream, 1);
      expect(second.nextExpectedRevision).toBe(4n);
      const events = await readStreamEvents(store().client, stream);
      expect(first.position).toEqual(events[3].event!.position);
      expect(second.position).toEqual(events[4].event!.position);
      expect(second.position!.commit).toBe(second.position!.prepare);
      expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    });
  });

  describe('with throwOnAppendFailure=false', () => {
    it('returns success:false and nextExpectedRevision -1 when the stream is absent', async () => {
      const client = store().createClient({ throwOnAppendFailure: false });
      const stream = store().streamName('nothrow');
      const result = await appendVia(path, client, stream, testEvents(1), { expectedRevision: 3n });
      expect(result).toEqual({ success: false, nextExpectedRevision: -1n, position: undefined });
    });

    it('returns success:false with the current revision as the client decodes it', async () => {
      const client = store().createClient({ throwOnAppendFailure: false });
      const stream = await existingStream(path, 4);
      const result = await appendVia(path, client, stream, testEvents(1), { expectedRevision: NO_STREAM });
      // Append carries current_revision in the body (→ 4n). The v6 client decodes BatchAppend's detail with
      // BigInt(hasCurrentStreamRevision()), i.e. 1n whenever the server sets current_stream_revision (esdb.md
      // §4.3): -1n here would mean the server sent current_no_stream for an existing stream.
      const expected = path === 'Append' ? 4n : 1n;
      expect(result).toEqual({ success: false, nextExpectedRevision: expected, position: undefined });
    });
  });

  describe('idempotent re-append of the same event ids (§4.4)', () => {
    it.each([ANY, STREAM_EXISTS] as const)(
      'with %s: the same write again succeeds with the original revision and position, nothing written',
      async (expected) => {
        const stream = await existingStream(path, 0);
        const events = testEvents(3);
        const first = await appendVia(path, store().client, stream, events, { expectedRevision: expected });
        const again = await appendVia(path, store().client, stream, events, { expectedRevision: expected });
        expect(again.success).toBe(true);
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(again.position).toEqual(first.position);
        expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2, 3]);
      },
    );

    it('with no_stream: a retry of the stream-creating write is idempotent', async () => {
      const stream = store().streamName('idem');
      const events = testEvents(2);
      const first = await appendVia(path, store().client, stream, events, { expectedRevision: NO_STREAM });
      const again = await appendVia(path, store().client, stream, events, { expectedRevision: NO_STREAM });
      expect(again.success).toBe(true);
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1]);
    });

    it('with an exact revision below the current one: idempotent when the ids at R+1… match', async () => {
      const stream = await existingStream(path, 1);
      const events = testEvents(2);
      const first = await appendVia(path, store().client, stream, events, { expectedRevision: 1n });
      expect(first.nextExpectedRevision).toBe(3n);
      const again = await appendVia(path, store().client, stream, events, { expectedRevision: 1n });
      expect(again.success).toBe(true);
      expect(again.nextExpectedRevision).toBe(3n);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1, 2, 3]);
    });

    it('with an exact revision below the current one and other ids: WEV', async () => {
      const stream = await existingStream(path, 1);
      await appendVia(path, store().client, stream, testEvents(2), { expectedRevision: 1n });
      const error = await rejectionOf(
        appendVia(path, store().client, stream, testEvents(2), { expectedRevision: 1n }),
      );
      expectWrongExpectedVersion(error, stream, 1n, 3n);
    });

    it('CorruptedIdempotency (first id known, a later one new) is reported as WEV, nothing written', async () => {
      const stream = store().streamName('corrupt');
      const events = testEvents(2);
      await appendVia(path, store().client, stream, events);
      const error = await rejectionOf(
        appendVia(path, store().client, stream, [events[0], ...testEvents(1)], { expectedRevision: ANY }),
      );
      expectWrongExpectedVersion(error, stream, ANY);
      expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0, 1]);
    });

    it('ids are not global: the same ids in another stream are written', async () => {
      const events = testEvents(2);
      const a = store().streamName('ids');
      const b = store().streamName('ids');
      await appendVia(path, store().client, a, events);
      const other = await appendVia(path, store().client, b, events);
      expect(other.nextExpectedRevision).toBe(1n);
      const read = await readStreamEvents(store().client, b);
      expect(read.map((e) => e.event!.id)).toEqual(events.map((e) => e.id));
    });
  });
});
