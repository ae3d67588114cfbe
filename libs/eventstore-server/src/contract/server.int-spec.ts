import { randomUUID } from 'node:crypto';
import {
  EventStoreDBClient,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import { GossipClient } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ClusterInfo, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  BatchAppendReq,
  BatchAppendResp,
  DeleteReq,
  ReadReq,
} from '@eventstore/db-client/generated/streams_pb';
import { ServiceError, status } from '@grpc/grpc-js';
import {
  grpcClientOf,
  rawBidi,
  rawClientStream,
  rawServerStream,
  rawUnary,
  serverCapabilities,
  useTestEventStore,
  waitFor,
  within,
} from '@tracker/testing/eventstore/test-event-store';
import { appendVia, readStreamEvents, recordSubscription, revisionsOf, testEvents } from './contract-helpers';

/**
 * The rest of the surface (esdb.md §2): ServerFeatures (version, what is advertised), Gossip (esdb+discover://),
 * UNIMPLEMENTED for the services that are not served, and robustness: a malformed request gets an error and
 * the server keeps serving every other call.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();
const STREAMS = '/event_store.client.streams.Streams';

describe('ServerFeatures', () => {
  it('the client learns version 24.10.0 and that BatchAppend is supported', async () => {
    const capabilities = await serverCapabilities(store().createClient());
    if (store().shared) expect(capabilities.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    else expect(capabilities.serverVersion).toBe('24.10.0');
    expect(capabilities.supports(StreamsService.batchAppend)).toBe(true);
    expect(capabilities.supports(StreamsService.batchAppend, 'deadline_duration')).toBe(true);
  });

  it('GetSupportedMethods lists the Streams methods in lowercase', async () => {
    const features = await grpcClientOf(store().client, ServerFeaturesClient);
    const response = await new Promise<SupportedMethods>((resolve, reject) =>
      features.getSupportedMethods(new Empty(), (error, r) => (error ? reject(error) : resolve(r))),
    );
    const methods = response.getMethodsList().map((m) => `${m.getServiceName()}/${m.getMethodName()}`);
    for (const m of ['read', 'append', 'batchappend', 'delete', 'tombstone']) {
      expect(methods).toContain(`event_store.client.streams.streams/${m}`);
    }
    const read = response
      .getMethodsList()
      .find(
        (m) => m.getServiceName() === 'event_store.client.streams.streams' && m.getMethodName() === 'read',
      );
    expect(read!.getFeaturesList()).toEqual(expect.arrayContaining(['position', 'events']));
    // It advertises exactly what it serves: nothing of the services that answer UNIMPLEMENTED.
    if (!store().shared) {
      expect(methods.filter((m) => /persistent|projections|users|operations|monitoring/.test(m))).toEqual([]);
    }
  });
});

describe('Gossip and esdb+discover://', () => {
  const discoverString = () => store().connectionString.replace(/^esdb:\/\//, 'esdb+discover://');

  it('a discover connection string finds the node and works', async () => {
    const client = EventStoreDBClient.connectionString(discoverString());
    try {
      const stream = store().streamName('gossip');
      await client.appendToStream(stream, testEvents(2));
      expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0, 1]);
    } finally {
      await client.dispose();
    }
  });

  it('Gossip.Read answers with one live leader whose http end point is the gRPC port', async () => {
    const gossip = await grpcClientOf(store().client, GossipClient);
    const info = await new Promise<ClusterInfo>((resolve, reject) =>
      gossip.read(new Empty(), (error, r) => (error ? reject(error) : resolve(r))),
    );
    const members = info.getMembersList();
    const leaders = members.filter((m) => m.getState() === MemberInfo.VNodeState.LEADER && m.getIsAlive());
    expect(leaders).toHaveLength(1);
    if (!store().shared) {
      expect(members).toHaveLength(1);
      expect(leaders[0].getHttpEndPoint()!.getPort()).toBe(store().server!.port);
    }
  });
});

describe('services that are not served', () => {
  it('projections reject (listProjections)', async () => {
    if (store().shared) return; // a real server serves projections
    await expect(within(store().client.listProjections(), 10_000, 'listProjections')).rejects.toBeDefined();
    const raw = await rawUnary(
      store().client,
      '/event_store.client.projections.Projections/Create',
      Buffer.alloc(0),
    );
    expect(raw.error?.code).toBe(status.UNIMPLEMENTED);
  });

  it('persistent subscriptions reject (create to stream and to $all)', async () => {
    if (store().shared) return;
    const settings = persistentSubscriptionToStreamSettingsFromDefaults();
    await expect(
      within(
        store().client.createPersistentSubscriptionToStream(store().streamName('ps'), 'group', settings),
        10_000,
        'createPersistentSubscriptionToStream',
      ),
    ).rejects.toBeDefined();
    await expect(
      within(
        store().client.createPersistentSubscriptionToAll('group', { ...settings, startFrom: START } as never),
        10_000,
        'createPersistentSubscriptionToAll',
      ),
    ).rejects.toBeDefined();
  });

  it.each([
    '/event_store.client.users.Users/Details',
    '/event_store.client.monitoring.Monitoring/Stats',
    '/event_store.client.persistent_subscriptions.PersistentSubscriptions/List',
    '/no.such.Service/Method',
  ])('%s answers UNIMPLEMENTED', async (path) => {
    if (store().shared && !path.startsWith('/no.')) return;
    const raw = await rawServerStream(store().client, path, Buffer.alloc(0));
    expect(raw.error?.code).toBe(status.UNIMPLEMENTED);
  });
});

describe('malformed requests get an error, and the server keeps serving', () => {
  const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x80]);
  const streamId = (name: string) => new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
  const proposed = () =>
    new AppendReq.ProposedMessage()
      .setId(new UUID().setString(randomUUID()))
      .setData(Buffer.from('{}'))
      .setCustomMetadata(Buffer.alloc(0));

  afterEach(async () => {
    // After every bad request: appends (both RPCs on the shared client), reads and subscriptions still work.
    const stream = store().streamName('alive');
    await within(appendVia('BatchAppend', store().client, stream, testEvents(1)), 5_000, 'BatchAppend after');
    await within(appendVia('Append', store().client, stream, testEvents(1)), 5_000, 'Append after');
    expect(revisionsOf(await within(readStreamEvents(store().client, stream), 5_000, 'read after'))).toEqual([
      0, 1,
    ]);
    const sub = recordSubscription(store().client.subscribeToStream(stream, { fromRevision: START }));
    try {
      await sub.waitForEvents((e) => e.length >= 2, 'a subscription after', 5_000);
    } finally {
      await sub.stop();
    }
  });

  const expectError = (raw: { error?: ServiceError }) => {
    expect(raw.error).toBeDefined();
    expect(raw.error!.code).not.toBe(status.OK);
  };

  it.each(['Read', 'Delete', 'Tombstone'])('undecodable bytes to Streams/%s', async (method) => {
    const raw =
      method === 'Read'
        ? await rawServerStream(store().client, `${STREAMS}/Read`, garbage)
        : await rawUnary(store().client, `${STREAMS}/${method}`, garbage);
    expectError(raw);
  });

  it('undecodable bytes to ServerFeatures and Gossip', async () => {
    expectError(
      await rawUnary(
        store().client,
        '/event_store.client.server_features.ServerFeatures/GetSupportedMethods',
        garbage,
      ),
    );
    expectError(await rawUnary(store().client, '/event_store.client.gossip.Gossip/Read', garbage));
  });

  it('Streams/Read without options', async () => {
    expectError(
      await rawServerStream(store().client, `${STREAMS}/Read`, Buffer.from(new ReadReq().serializeBinary())),
    );
  });

  it('Streams/Read of a stream with no count and no stream option', async () => {
    const options = new ReadReq.Options().setReadDirection(ReadReq.Options.ReadDirection.FORWARDS);
    const raw = await rawServerStream(
      store().client,
      `${STREAMS}/Read`,
      Buffer.from(new ReadReq().setOptions(options).serializeBinary()),
    );
    expectError(raw);
  });

  it('Streams/Delete without options', async () => {
    expectError(
      await rawUnary(store().client, `${STREAMS}/Delete`, Buffer.from(new DeleteReq().serializeBinary())),
    );
  });

  it('Streams/Append: garbage, events before options, options only with no stream name', async () => {
    expectError(await rawClientStream(store().client, `${STREAMS}/Append`, [garbage]));
    const eventFirst = new AppendReq().setProposedMessage(proposed());
    expectError(
      await rawClientStream(store().client, `${STREAMS}/Append`, [Buffer.from(eventFirst.serializeBinary())]),
    );
    const noName = new AppendReq().setOptions(new AppendReq.Options().setAny(new Empty()));
    const event = new AppendReq().setProposedMessage(
      (() => {
        const m = proposed();
        m.getMetadataMap().set('type', 'T').set('content-type', 'application/json');
        return m;
      })(),
    );
    const raw = await rawClientStream(store().client, `${STREAMS}/Append`, [
      Buffer.from(noName.serializeBinary()),
      Buffer.from(event.serializeBinary()),
    ]);
    expectError(raw);
  });

  it('Streams/BatchAppend: garbage, and a first chunk without options', async () => {
    expectError(await rawBidi(store().client, `${STREAMS}/BatchAppend`, [garbage]));
    const message = new BatchAppendReq.ProposedMessage()
      .setId(new UUID().setString(randomUUID()))
      .setData(Buffer.from('{}'));
    message.getMetadataMap().set('type', 'T').set('content-type', 'application/json');
    const chunk = new BatchAppendReq()
      .setCorrelationId(new UUID().setString(randomUUID()))
      .setProposedMessagesList([message])
      .setIsFinal(true);
    const raw = await rawBidi(
      store().client,
      `${STREAMS}/BatchAppend`,
      [Buffer.from(chunk.serializeBinary())],
      {
        expectedResponses: 1,
        halfClose: false,
      },
    );
    // Either the call fails, or the correlation id gets an error response; never a success.
    if (!raw.error) {
      expect(raw.messages).toHaveLength(1);
      expect(BatchAppendResp.deserializeBinary(raw.messages[0]).hasError()).toBe(true);
    }
  });

  it('an invalid filter regex fails the subscription with an error', async () => {
    const sub = recordSubscription(
      store().client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({ regex: '([unclosed' }),
      }),
    );
    try {
      await waitFor(() => sub.errors.length > 0, { description: 'the subscription error', timeoutMs: 5_000 });
    } finally {
      await sub.stop();
    }
  });

  it('a request over the gRPC message size limit', async () => {
    const huge = Buffer.alloc(40 * 1024 * 1024, 1);
    expectError(await rawUnary(store().client, `${STREAMS}/Delete`, huge, 20_000));
  });

  it('a client that disappears mid-append', async () => {
    const stream = store().streamName('vanish');
    const options = new AppendReq.Options().setStreamIdentifier(streamId(stream)).setAny(new Empty());
    // Options then nothing: the deadline cancels the call while the server waits for events.
    const raw = await rawClientStream(
      store().client,
      `${STREAMS}/Append`,
      [Buffer.from(new AppendReq().setOptions(options).serializeBinary())],
      1,
    );
    void raw;
    const event = jsonEvent({ type: 'After', data: {} });
    await store().client.appendToStream(stream, event);
    expect((await readStreamEvents(store().client, stream)).map((e) => e.event!.id)).toEqual([event.id]);
  });
});
