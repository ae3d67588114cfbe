import { randomUUID } from 'node:crypto';
import {
  convertToCommandError,
  jsonEvent,
  MaxAppendSizeExceededError,
  RequiredMetadataPropertyMissingError,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ServiceError, status } from '@grpc/grpc-js';
import {
  describeNeedsOwnServer,
  grpcClientOf,
  rejectionOf,
  useTestEventStore,
  within,
} from '@tracker/testing/eventstore/test-event-store';
import {
  APPEND_PATHS,
  appendVia,
  readStreamEvents,
  revisionsOf,
  sizedEvent,
  spyOnAppendRpcs,
  testEvents,
} from './contract-helpers';

/**
 * Append limits and BatchAppend chunking (esdb.md §2 BatchAppendReq, §4.6): 1 MiB max per write, chunks of a
 * correlation id reassembled into one write, and the long-lived shared BatchAppend stream survives a rejected
 * write.
 */
const MAX_APPEND_SIZE = 1024 * 1024;
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

describe.each(APPEND_PATHS)('max append size through %s', (path) => {
  it('rejects a write over 1 MiB with MaxAppendSizeExceededError{maxAppendSize: 1048576}, nothing written', async () => {
    const stream = store().streamName('oversize');
    const error = await rejectionOf(
      appendVia(path, store().client, stream, [sizedEvent(MAX_APPEND_SIZE + 10_000)]),
    );
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(MAX_APPEND_SIZE);
    await expect(readStreamEvents(store().client, stream)).rejects.toThrow();
  });

  it('counts the whole write, not each event: 3 events of 400 kB are rejected', async () => {
    const stream = store().streamName('oversize');
    const events = [sizedEvent(400_000), sizedEvent(400_000), sizedEvent(400_000)];
    const error = await rejectionOf(appendVia(path, store().client, stream, events));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
  });

  it('counts the data alone, as the 24.10 server does: not the metadata or the type', async () => {
    // 20,000 events of 14 data bytes, a 40-character type and 30 bytes of metadata: 280 kB of data, 2.5 MB in
    // all; then as many of 61 data bytes, 1.22 MB of data. A long deadline: tens of thousands of messages are
    // slow to send on a loaded machine, and the deadline is answered before the size.
    const type = 'T'.repeat(40);
    const small = () =>
      jsonEvent({ id: randomUUID(), type, data: { n: 'x'.repeat(6) }, metadata: { m: 'y'.repeat(22) } });
    const stream = store().streamName('typed');
    const options = { deadline: 120_000 };
    const result = await appendVia(
      path,
      store().client,
      stream,
      Array.from({ length: 20_000 }, small),
      options,
    );
    expect(result.nextExpectedRevision).toBe(19_999n);
    const larger = Array.from({ length: 20_000 }, () => sizedEvent(50));
    expect(await rejectionOf(appendVia(path, store().client, stream, larger, options))).toBeInstanceOf(
      MaxAppendSizeExceededError,
    );
  });

  it('accepts a write just under the limit', async () => {
    const stream = store().streamName('undersize');
    const result = await appendVia(path, store().client, stream, [sizedEvent(900_000)]);
    expect(result.nextExpectedRevision).toBe(0n);
  });

  it('keeps serving the same client after a rejected write', async () => {
    const client = store().createClient();
    const stream = store().streamName('after-oversize');
    await appendVia(path, client, stream, testEvents(1));
    await expect(appendVia(path, client, stream, [sizedEvent(MAX_APPEND_SIZE * 2)])).rejects.toBeInstanceOf(
      MaxAppendSizeExceededError,
    );
    const next = await within(appendVia(path, client, stream, testEvents(2)), 5_000, 'the append after');
    expect(next.nextExpectedRevision).toBe(2n);
  });
});

describe('BatchAppend chunking', () => {
  it('reassembles a write sent in many chunks into one write, in order', async () => {
    const spies = spyOnAppendRpcs();
    try {
      // A client of its own: the BatchAppend call is opened once per client and then shared.
      const client = store().createClient();
      const stream = store().streamName('chunks');
      const events = Array.from({ length: 24 }, () => sizedEvent(30_000));
      // 24 × ~30 kB = ~720 kB: under the 1 MiB limit, in chunks of at most 64 KiB (~12 chunks, one is_final).
      const result = await appendVia('BatchAppend', client, stream, events, {
        batchAppendSize: 64 * 1024,
      });
      expect(spies.batchAppend).toHaveBeenCalled();
      expect(result.nextExpectedRevision).toBe(23n);
      const read = await readStreamEvents(client, stream);
      expect(read.map((e) => e.event!.id)).toEqual(events.map((e) => e.id));
      const positions = read.map((e) => e.event!.position!.commit);
      expect(result.position!.commit).toBe(positions[positions.length - 1]);
    } finally {
      spies.restore();
    }
  });

  it('rejects a multi-chunk write of over 3 MiB (events under 1 MiB each) and keeps the shared stream alive', async () => {
    const client = store().createClient();
    const stream = store().streamName('big-batch');
    await appendVia('BatchAppend', client, stream, testEvents(1));
    // 4 × 900 kB = 3.6 MB: with the client's default batchAppendSize (3 MiB) this goes out as two chunks.
    const events = Array.from({ length: 4 }, () => sizedEvent(900_000));
    const error = await rejectionOf(appendVia('BatchAppend', client, stream, events));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0]);
    const next = await within(
      appendVia('BatchAppend', client, stream, testEvents(1)),
      5_000,
      'the append after',
    );
    expect(next.nextExpectedRevision).toBe(1n);
  });

  it('interleaves concurrent appends on one client (one shared bidi stream, one response per correlation id)', async () => {
    const client = store().createClient();
    const streams = Array.from({ length: 20 }, () => store().streamName('concurrent'));
    const results = await Promise.all(
      streams.map((s, i) => appendVia('BatchAppend', client, s, testEvents((i % 3) + 1))),
    );
    results.forEach((r, i) => expect(r.nextExpectedRevision).toBe(BigInt(i % 3)));
  });
});

describeNeedsOwnServer('BatchAppend chunking with a raised max append size', () => {
  const big = useTestEventStore({ server: { maxAppendSize: 8 * 1024 * 1024 }, forceEmbedded: true });

  it('accepts a write of over 3 MiB sent as several chunks, all or nothing in one transaction', async () => {
    const stream = big().streamName('big');
    const events = Array.from({ length: 5 }, () => sizedEvent(800_000));
    const result = await appendVia('BatchAppend', big().client, stream, events);
    expect(result.nextExpectedRevision).toBe(4n);
    const read = await readStreamEvents(big().client, stream);
    expect(read.map((e) => e.event!.id)).toEqual(events.map((e) => e.id));
  });
});

describe('required metadata (raw Append)', () => {
  function appendRequests(stream: string, metadata: Record<string, string>): AppendReq[] {
    const options = new AppendReq.Options()
      .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8')))
      .setAny(new Empty());
    const message = new AppendReq.ProposedMessage()
      .setId(new UUID().setString(randomUUID()))
      .setData(Buffer.from('{}'));
    for (const [k, v] of Object.entries(metadata)) message.getMetadataMap().set(k, v);
    return [new AppendReq().setOptions(options), new AppendReq().setProposedMessage(message)];
  }

  async function rawAppend(stream: string, metadata: Record<string, string>): Promise<ServiceError | null> {
    const streams = await grpcClientOf(store().client, StreamsClient);
    return new Promise((resolve) => {
      const call = streams.append((error) => resolve(error));
      call.on('error', () => undefined);
      for (const request of appendRequests(stream, metadata)) call.write(request);
      call.end();
    });
  }

  it.each([
    ['type', { 'content-type': 'application/json' }],
    ['content-type', { type: 'Typed' }],
  ])(
    'rejects an event without %s: INVALID_ARGUMENT, missing-required-metadata-property',
    async (_, metadata) => {
      const stream = store().streamName('nometa');
      const error = await rawAppend(stream, metadata);
      expect(error).not.toBeNull();
      expect(error!.code).toBe(status.INVALID_ARGUMENT);
      expect(error!.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
      expect(convertToCommandError(error!)).toBeInstanceOf(RequiredMetadataPropertyMissingError);
      await expect(readStreamEvents(store().client, stream)).rejects.toThrow();
    },
  );

  it('accepts the same raw request with both keys', async () => {
    const stream = store().streamName('meta');
    expect(await rawAppend(stream, { type: 'Typed', 'content-type': 'application/json' })).toBeNull();
    expect(revisionsOf(await readStreamEvents(store().client, stream))).toEqual([0]);
  });
});
