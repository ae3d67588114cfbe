import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EventStoreDBClient } from '@eventstore/db-client';
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
 * stop drops the connections, so a call in flight ends UNAVAILABLE as with a real node being stopped.
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

  it('a stop drops the connections: an append still being sent ends UNAVAILABLE', async () => {
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
