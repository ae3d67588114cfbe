import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CancelledError, EventStoreDBClient, START } from '@eventstore/db-client';
import * as grpc from '@grpc/grpc-js';
import { RunningEventStoreServer, startEventStoreServer } from '@tracker/eventstore-server';
import {
  createTestCertificates,
  describeNeedsOwnServer,
  TestCertificates,
  uniqueToken,
} from '@tracker/testing/eventstore/test-event-store';
import { openAppendCall, readStreamEvents, revisionsOf, testEvents } from './contract-helpers';

/**
 * The node's one port (`front.ts`): gRPC for the clients and, as on a real node, HTTP/1.1 for `/ping`,
 * `/health/live` and `/info` (the official client's HTTP requests, health checks), anything else 404; and a
 * stop ends the calls it serves as a stopping node does: reads, subscriptions and BatchAppend streams
 * CANCELLED, then the connections dropped, so what is still arriving (a classic Append) ends UNAVAILABLE.
 */
jest.setTimeout(30_000);

type Answer = { status: number; body: string; type?: string };

function get(url: string, method = 'GET', ca?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method, ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeNeedsOwnServer('the node port', () => {
  let certs: TestCertificates;
  beforeAll(() => (certs = createTestCertificates()));
  afterAll(() => certs?.cleanup());

  describe.each(['insecure', 'TLS'] as const)('%s', (mode) => {
    let server: RunningEventStoreServer;
    let client: EventStoreDBClient;
    const base = () => `${mode === 'TLS' ? 'https' : 'http'}://127.0.0.1:${server.port}`;

    beforeAll(async () => {
      server = await startEventStoreServer({
        host: '127.0.0.1',
        port: 0,
        memory: true,
        ...(mode === 'TLS'
          ? { tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile } }
          : {}),
      });
      client =
        mode === 'TLS'
          ? new EventStoreDBClient(
              { endpoint: { address: '127.0.0.1', port: server.port } },
              { rootCertificate: certs.ca },
              { username: 'admin', password: 'changeit' },
            )
          : EventStoreDBClient.connectionString(server.connectionString);
    });
    afterAll(async () => {
      await client?.dispose();
      await server?.close();
    });

    it('answers HTTP/1.1 health checks on the gRPC port, without credentials, and 404 elsewhere', async () => {
      const ca = mode === 'TLS' ? certs.ca : undefined;
      const ping = await get(`${base()}/ping`, 'GET', ca);
      expect(ping.status).toBe(200);
      expect(JSON.parse(ping.body)).toEqual({
        msgTypeId: expect.any(Number),
        text: 'Ping request successfully handled',
      });
      expect((await get(`${base()}/health/live`, 'GET', ca)).status).toBe(204);
      expect(JSON.parse((await get(`${base()}/info`, 'GET', ca)).body)).toMatchObject({
        esVersion: '24.10.0',
      });
      expect((await get(`${base()}/asdpoijsad`, 'POST', ca)).status).toBe(404);
    });

    it('serves gRPC on the same port, before and after an HTTP request', async () => {
      const stream = `front-${uniqueToken()}`;
      await client.appendToStream(stream, testEvents(2));
      await get(`${base()}/ping`, 'GET', mode === 'TLS' ? certs.ca : undefined);
      await client.appendToStream(stream, testEvents(1));
      expect(revisionsOf(await readStreamEvents(client, stream))).toEqual([0, 1, 2]);
    });
  });

  describe('a stop cancels the calls it serves (CancelledError), as the official client expects of a node', () => {
    let server: RunningEventStoreServer;
    let client: EventStoreDBClient;
    beforeEach(async () => {
      server = await startEventStoreServer({ host: '127.0.0.1', port: 0, memory: true });
      client = EventStoreDBClient.connectionString(server.connectionString);
    });
    afterEach(async () => {
      await client.dispose();
      await server.close();
    });

    it('a read in progress', async () => {
      await client.appendToStream('long', testEvents(2_000));
      let read = 0;
      const error = await (async () => {
        for await (const _ of client.readStream('long')) {
          // Read slowly, so the stop comes mid-read.
          if (++read === 12) void server.close();
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CancelledError);
      expect(read).toBeLessThan(2_000);
    });

    it('a live subscription', async () => {
      await client.appendToStream('watched', testEvents(1));
      const subscription = client.subscribeToStream('watched', { fromRevision: START });
      const error = new Promise<unknown>((resolve) => subscription.on('error', resolve));
      const first = await subscription[Symbol.asyncIterator]().next();
      expect(first.done).toBe(false);
      await server.close();
      expect(await error).toBeInstanceOf(CancelledError);
    });

    it('the shared BatchAppend stream, mid-append', async () => {
      // Appends of 30,000 events one after another until the stop, as the official client's test does; the
      // stop comes once the first is answered (the shared stream is then open on the server: client and server
      // share this process's one thread, so a stop made sooner could precede the stream's arrival).
      let answered!: () => void;
      const first = new Promise<void>((resolve) => (answered = resolve));
      const failed = new Promise<unknown>((resolve) => {
        const loop = (): Promise<void> =>
          client.appendToStream('busy', testEvents(30_000)).then(answered).then(loop);
        loop().catch(resolve);
      });
      await first;
      await server.close();
      expect(await failed).toBeInstanceOf(CancelledError);
    });
  });

  it('a stop refuses a classic Append still being sent (UNAVAILABLE): nothing of it was written', async () => {
    const server = await startEventStoreServer({ host: '127.0.0.1', port: 0, memory: true });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      await client.appendToStream('warm', testEvents(1));
      // Never ended: the server stops meanwhile.
      const { answer } = await openAppendCall(client, 'never-ending', 'Unfinished');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await server.close();
      expect((await answer)?.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});
