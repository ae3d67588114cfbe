import { EventStoreDBClient, START } from '@eventstore/db-client';
import { RunningEventStoreServer, startEventStoreServer } from '@tracker/eventstore-server';
import {
  createTestCertificates,
  describeNeedsOwnServer,
  TestCertificates,
  uniqueToken,
  within,
} from '@tracker/testing/eventstore/test-event-store';
import {
  APPEND_PATHS,
  appendVia,
  readStreamEvents,
  recordSubscription,
  revisionsOf,
  testEvents,
} from './contract-helpers';

/**
 * TLS mode (esdb.md §2 "Headers, deadlines, keepalive, TLS"): a throwaway CA and node certificate (SAN
 * IP:127.0.0.1) made with openssl; the real client connects with `{ rootCertificate }` or `tlsCAFile=`.
 * Production relies on TLS, so one secure test stays in the suite. Needs a server of its own.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
describeNeedsOwnServer('TLS', () => {
  let certs: TestCertificates;
  let server: RunningEventStoreServer;
  const clients: EventStoreDBClient[] = [];
  const track = (client: EventStoreDBClient) => {
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    certs = createTestCertificates();
    server = await startEventStoreServer({
      host: '127.0.0.1',
      port: 0,
      memory: true,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
    });
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await server?.close();
    certs?.cleanup();
  });

  it.each(APPEND_PATHS)('{ rootCertificate }: appends through %s, reads and subscribes', async (path) => {
    const client = track(
      new EventStoreDBClient(
        { endpoint: { address: '127.0.0.1', port: server.port } },
        { rootCertificate: certs.ca },
        // A secure node authenticates every call (access-control.int-spec.ts).
        { username: 'admin', password: 'changeit' },
      ),
    );
    const stream = `tls-${uniqueToken()}`;
    // Over TLS the Append path really sends the per-call credentials (an authorization header).
    await appendVia(path, client, stream, testEvents(3));
    expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0, 1, 2]);
    const sub = recordSubscription(client.subscribeToStream(stream, { fromRevision: START }));
    try {
      await sub.waitForEvents((e) => e.length >= 3, 'the events over TLS');
    } finally {
      await sub.stop();
    }
  });

  it('tlsCAFile= in the connection string', async () => {
    const client = track(
      EventStoreDBClient.connectionString(
        `esdb://admin:changeit@127.0.0.1:${server.port}?tls=true&tlsCAFile=${certs.caFile}`,
      ),
    );
    const stream = `tls-${uniqueToken()}`;
    await client.appendToStream(stream, testEvents(1));
    expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0]);
  });

  it('esdb+discover:// over TLS', async () => {
    const client = track(
      EventStoreDBClient.connectionString(
        `esdb+discover://admin:changeit@127.0.0.1:${server.port}?tls=true&tlsCAFile=${certs.caFile}`,
      ),
    );
    const stream = `tls-${uniqueToken()}`;
    await client.appendToStream(stream, testEvents(1));
    expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0]);
  });

  it("the server's own connectionString connects with the pinned client", async () => {
    // connectEventStore() (libs/infrastructure) connects with `embedded.connectionString` as is. v6.2.1 ignores
    // `tlsVerifyCert=false` ("not currently supported by this client"), so the string has to carry what the
    // client needs to trust the node (e.g. `tlsCAFile=`).
    // The string names no user (server.json is readable by others): the app adds its own credentials.
    const client = track(
      EventStoreDBClient.connectionString(
        server.connectionString.replace('esdb://', 'esdb://admin:changeit@'),
      ),
    );
    const stream = `tls-${uniqueToken()}`;
    await within(
      client.appendToStream(stream, testEvents(1)),
      15_000,
      'an append with server.connectionString',
    );
  });

  it('refuses a plaintext client', async () => {
    const client = track(EventStoreDBClient.connectionString(`esdb://127.0.0.1:${server.port}?tls=false`));
    await expect(
      within(client.appendToStream(`tls-${uniqueToken()}`, testEvents(1)), 15_000, 'a plaintext append'),
    ).rejects.toBeDefined();
  });

  it('refuses a client that does not trust the CA', async () => {
    const client = track(new EventStoreDBClient({ endpoint: { address: '127.0.0.1', port: server.port } }));
    await expect(
      within(client.appendToStream(`tls-${uniqueToken()}`, testEvents(1)), 15_000, 'an untrusted append'),
    ).rejects.toBeDefined();
  });
});
