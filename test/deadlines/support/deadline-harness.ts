import 'reflect-metadata';
import { FORWARDS, START } from '@eventstore/db-client';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ReferenceData, type Clock } from '@tracker/application';
import {
  Environment,
  EventStoreConnection,
  connectEventStore,
  loadEnvironment,
  parseTokens,
  unlinkMatching,
} from '@tracker/infrastructure';
import { startTestEventStore, uniqueToken, waitFor, type TestEventStore } from '@tracker/testing';
import { Redis } from 'ioredis';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ApiModule } from '../../../apps/api/src/api.module';
import { HTTP_APP_OPTIONS, configureHttp } from '../../../apps/api/src/http/configure-http';
import {
  DeadlinesRuntime,
  ProjectionWorker,
  WorkerAppModule,
  type WorkerOptions,
} from '@tracker/projections';

export const TOKENS = {
  admin: 'dl-admin-token-00000000000000',
  clerk: 'dl-clerk-token-00000000000000',
  supervisor: 'dl-supervisor-token-000000000',
  otherSupervisor: 'dl-supervisor-b-token-0000000',
  reform: 'dl-reform-token-0000000000000',
} as const;
const TOKENS_FILE = [
  { token: TOKENS.admin, name: 'admin', role: 'admin' },
  { token: TOKENS.clerk, name: 'clerk', role: 'clerk', units: ['SCT'] },
  { token: TOKENS.supervisor, name: 'head-sct', role: 'supervisor', units: ['SCT'] },
  { token: TOKENS.otherSupervisor, name: 'head-hoian', role: 'supervisor', units: ['HOIAN'] },
  { token: TOKENS.reform, name: 'reform', role: 'reform-office' },
];

/** The real clock moved by an offset: time keeps running (BullMQ's timers and the tracker agree on rates). */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(instant: string | number): void {
    this.offset = (typeof instant === 'number' ? instant : Date.parse(instant)) - Date.now();
  }
}

export const WORKER: WorkerOptions = {
  runner: { batchMs: 5, retry: { initialMs: 20, maxMs: 200 } },
  deadlines: { sweepEveryMs: 200, sweepGraceMs: 100 },
};

export type StoredEvent = { type: string; data: Record<string, unknown>; position: bigint };

export type SseClient = {
  events: {
    id: string;
    change: string;
    alert: { id: string; code: string; kind: string; subject?: string };
  }[];
  lastId(): string | undefined;
  close(): void;
};

/**
 * API + worker in one process (as `npm start`), over an embedded event store, the real Redis in a database
 * of this jest worker (10 + JEST_WORKER_ID) under a key prefix of its own, BullMQ under that prefix too.
 */
export async function startDeadlineApp() {
  const eventStore: TestEventStore = await startTestEventStore({ forceEmbedded: true });
  const connect = () =>
    connectEventStore({ connectionString: eventStore.connectionString, dataDir: 'unused' });
  const connection: EventStoreConnection = await connect();
  const prefix = `test:dl:${uniqueToken()}:`;
  const db = 10 + Number(process.env.JEST_WORKER_ID ?? 0);
  const env: Environment = loadEnvironment({
    ...process.env,
    NODE_ENV: 'test',
    REDIS_URL: `redis://127.0.0.1:6379/${db}`,
    REDIS_KEY_PREFIX: prefix,
    EVENTSTORE_CONNECTION_STRING: eventStore.connectionString,
  });
  const clock = new OffsetClock();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ApiModule.forRoot({
        env,
        tokens: parseTokens(TOKENS_FILE),
        clock,
        eventStore: connection,
        worker: WORKER,
      }),
    ],
  }).compile();
  const app = configureHttp(
    moduleRef.createNestApplication<NestExpressApplication>({ ...HTTP_APP_OPTIONS, logger: ['error'] }),
  );
  await app.listen(0, '127.0.0.1');
  await app.get(ReferenceData).ready;
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const agent = request(app.getHttpServer());
  const redis = new Redis(env.REDIS_URL);
  const extra: { close(): Promise<void> }[] = [];
  const sseClients: SseClient[] = [];

  const as = (token: string) => ({
    get: (path: string) => agent.get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => agent.post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => agent.put(path).set('Authorization', `Bearer ${token}`),
  });

  async function eventsOf(code: string, streamName = `dossier-${code}`): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    try {
      for await (const r of connection.client.readStream(streamName, {
        direction: FORWARDS,
        fromRevision: START,
      })) {
        if (r.event) {
          out.push({
            type: r.event.type,
            data: r.event.data as Record<string, unknown>,
            position: r.event.position?.commit ?? 0n,
          });
        }
      }
    } catch (error) {
      if ((error as { type?: string }).type !== 'stream-not-found') throw error;
    }
    return out;
  }

  const runtime = () => app.get(DeadlinesRuntime);

  /** Resolves once the scheduling reactor (and alerts.v2) have taken every event of the dossier. */
  async function settled(
    code: string,
    streamName = `dossier-${code}`,
    projections = ['deadline-scheduling.v1', 'alerts.v2'],
  ): Promise<void> {
    const events = await eventsOf(code, streamName);
    const last = events[events.length - 1]?.position;
    if (last === undefined) return;
    const worker = app.get(ProjectionWorker);
    await Promise.all(
      projections.map((name) =>
        waitFor(() => (worker.runner(name)?.status().position ?? -1n) >= last, {
          timeoutMs: 15_000,
          description: `${name} at ${last}`,
        }),
      ),
    );
  }

  function sse(token: string, lastEventId?: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const client: SseClient & { req?: http.ClientRequest } = {
        events: [],
        lastId: () => client.events[client.events.length - 1]?.id ?? lastEventId,
        close: () => client.req?.destroy(),
      };
      const req = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/alerts/stream',
          headers: {
            Authorization: `Bearer ${token}`,
            ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
          },
        },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const id = /^id: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (id && data)
                client.events.push({ id, ...(JSON.parse(data) as Omit<SseClient['events'][0], 'id'>) });
              if (block.includes(': alerts after')) resolve(client);
            }
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', () => undefined);
      client.req = req;
      sseClients.push(client);
    });
  }

  /** Another worker process on the same event store and Redis (as a second replica would be). */
  async function startSecondWorker(): Promise<void> {
    const own = await connect();
    const ctx = await NestFactory.createApplicationContext(
      WorkerAppModule.forRoot({ env, clock, eventStore: own, worker: WORKER }),
      { logger: ['error'] },
    );
    extra.push({
      async close() {
        await ctx.close();
        await own.close();
      },
    });
  }

  /** Redis loses everything the tracker wrote (its keys, BullMQ's included), as after a FLUSHALL. */
  async function loseRedisData(): Promise<void> {
    await unlinkMatching(redis, `${prefix}*`);
  }

  return {
    app,
    env,
    clock,
    as,
    eventsOf,
    settled,
    sse,
    runtime,
    startSecondWorker,
    loseRedisData,
    async close() {
      for (const c of sseClients) c.close();
      for (const e of extra) await e.close();
      await app.close();
      await connection.close();
      await eventStore.close();
      await loseRedisData();
      await redis.quit();
    },
  };
}

export type DeadlineApp = Awaited<ReturnType<typeof startDeadlineApp>>;
