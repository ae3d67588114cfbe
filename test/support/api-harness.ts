import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ALL_PROJECTIONS,
  EVENT_FEED,
  PROJECTION_STORE,
  ProjectionStore,
  ReferenceData,
  projectionId,
  type Clock,
} from '@tracker/application';
import { BACKWARDS, END, type EventStoreDBClient } from '@eventstore/db-client';
import {
  EVENT_STORE_CONNECTION,
  Environment,
  EsdbEventFeed,
  EventStoreConnection,
  connectEventStore,
  loadEnvironment,
  parseTokens,
  unlinkMatching,
} from '@tracker/infrastructure';
import { startTestEventStore, TestEventStore, uniqueToken } from '@tracker/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { ApiModule } from '../../apps/api/src/api.module';
import { HTTP_APP_OPTIONS, configureHttp } from '../../apps/api/src/http/configure-http';
import { ProjectionWorker, type WorkerOptions } from '@tracker/projections';

export const TOKENS = {
  admin: 'admin-token-0000000000000000',
  clerkA: 'clerk-a-token-000000000000000',
  clerkB: 'clerk-b-token-000000000000000',
  supervisorA: 'supervisor-a-token-0000000000',
  supervisorB: 'supervisor-b-token-0000000000',
  reform: 'reform-office-token-000000000',
} as const;

const TOKENS_FILE = [
  { token: TOKENS.admin, name: 'admin', role: 'admin' },
  { token: TOKENS.clerkA, name: 'clerk-a', role: 'clerk', units: ['SCT'] },
  { token: TOKENS.clerkB, name: 'clerk-b', role: 'clerk', units: ['HOIAN'] },
  { token: TOKENS.supervisorA, name: 'supervisor-a', role: 'supervisor', units: ['SCT'] },
  { token: TOKENS.supervisorB, name: 'supervisor-b', role: 'supervisor', units: ['HOIAN'] },
  { token: TOKENS.reform, name: 'reform', role: 'reform-office' },
];

/** A clock tests can move; defaults to the real time. */
export class TestClock implements Clock {
  private fixed?: Date;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
  set(instant: string | Date): void {
    this.fixed = new Date(instant);
  }
  reset(): void {
    this.fixed = undefined;
  }
}

export type ApiHarness = Readonly<{
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  env: Environment;
  clock: TestClock;
  eventStore: TestEventStore;
  /** Resolves when every projection the worker runs has folded the last event of its streams. */
  waitForProjections(timeoutMs?: number): Promise<void>;
  as(token: string): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    put(path: string): request.Test;
  };
  /** Stops the app; `keepRedis` leaves its keys (a restart on the same read models). */
  close(options?: { keepRedis?: boolean }): Promise<void>;
}>;

/** Position of the last event in `$all` on a stream with one of these prefixes. */
async function lastPositionOf(es: TestEventStore, prefixes: readonly string[]): Promise<bigint | undefined> {
  // Pages read to their end: with client 6.2.1 an abandoned read then a subscription hangs dispose().
  let from: typeof END | { commit: bigint; prepare: bigint } = END;
  for (;;) {
    let found: bigint | undefined;
    let last: bigint | undefined;
    let count = 0;
    for await (const resolved of es.client.readAll({
      direction: BACKWARDS,
      fromPosition: from,
      maxCount: 200,
    })) {
      const e = resolved.event;
      count++;
      if (!e?.position) continue;
      last = e.position.commit;
      if (found === undefined && prefixes.some((p) => e.streamId.startsWith(p))) found = e.position.commit;
    }
    if (found !== undefined) return found;
    if (count < 200 || last === undefined) return undefined;
    from = { commit: last, prepare: last };
  }
}

/**
 * The API exactly as main.ts configures it, over a fresh embedded event store (in memory) and the real
 * Redis under a key prefix of its own, removed on close.
 */
export type StartApiOptions = Readonly<{
  /** Run the worker (projections, reactors) in the same process, as `npm start` does. */
  worker?: WorkerOptions | boolean;
  /** Reuse this event store (not closed by close()) instead of a fresh one: a restart on the same data. */
  eventStore?: TestEventStore;
  /** Redis (a database of the test's own, say) and key prefix, instead of a fresh prefix on the default. */
  redisUrl?: string;
  keyPrefix?: string;
  /** The API reaches the event store through this connection string (a proxy in front of it, say). */
  connectionString?: string;
  /** More settings, as environment variables (NATIONAL_PORTAL_* pointing at a fake gateway, say). */
  env?: Readonly<Record<string, string>>;
  /** Attempts and backoff of the portal pushes. */
  portalRetry?: Readonly<{ attempts?: number; backoffMs?: number }>;
  /** The `$all` feed the process uses (one that holds a subscription back, say); the client's by default. */
  eventFeed?: (client: EventStoreDBClient) => EsdbEventFeed;
  /** Return before the reference data is loaded (the API answers 503 until then); by default wait for it. */
  dontWaitForReferenceData?: boolean;
}>;

export async function startApi(options: StartApiOptions = {}): Promise<ApiHarness> {
  const eventStore = options.eventStore ?? (await startTestEventStore({ forceEmbedded: true }));
  const connection: EventStoreConnection = await connectEventStore({
    connectionString: options.connectionString ?? eventStore.connectionString,
    dataDir: 'unused',
  });
  const prefix = options.keyPrefix ?? `test:${uniqueToken()}:`;
  const env = loadEnvironment({
    ...process.env,
    NODE_ENV: 'test',
    REDIS_KEY_PREFIX: prefix,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    EVENTSTORE_CONNECTION_STRING: eventStore.connectionString,
    ...options.env,
  });
  const clock = new TestClock();
  const testing = Test.createTestingModule({
    imports: [
      ApiModule.forRoot({
        env,
        tokens: parseTokens(TOKENS_FILE),
        clock,
        eventStore: connection,
        ...(options.worker ? { worker: options.worker } : {}),
        ...(options.portalRetry ? { portalRetry: options.portalRetry } : {}),
      }),
    ],
  });
  const eventFeed = options.eventFeed;
  if (eventFeed)
    testing.overrideProvider(EVENT_FEED).useFactory({
      factory: (c: EventStoreConnection) => eventFeed(c.client),
      inject: [EVENT_STORE_CONNECTION],
    });
  const moduleRef = await testing.compile();
  const app = configureHttp(
    moduleRef.createNestApplication<NestExpressApplication>({ ...HTTP_APP_OPTIONS, logger: ['error'] }),
  );
  await app.init();
  // The API serves (503) while its reference data loads, as main.ts starts it; most tests start after.
  if (!options.dontWaitForReferenceData) await app.get(ReferenceData).ready;
  const http = request(app.getHttpServer());
  const as = (token: string) => ({
    get: (path: string) => http.get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => http.post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => http.put(path).set('Authorization', `Bearer ${token}`),
  });
  const waitForProjections = async (timeoutMs = 20_000) => {
    const store = app.get<ProjectionStore>(PROJECTION_STORE);
    const deadline = Date.now() + timeoutMs;
    // The registry's projections this process's worker runs (a worker without deadlines runs three).
    const worker = options.worker ? app.get(ProjectionWorker) : undefined;
    const running = new Set(worker?.statuses().map((s) => s.name) ?? ALL_PROJECTIONS.map(projectionId));
    for (const projection of ALL_PROJECTIONS.filter((p) => running.has(projectionId(p)))) {
      const target = await lastPositionOf(eventStore, projection.streamPrefixes);
      if (target === undefined) continue;
      for (;;) {
        const position = (await store.status(projection))?.checkpoint.position;
        if (position !== undefined && position >= target) break;
        if (Date.now() > deadline)
          throw new Error(`${projection.name} did not reach ${target} (at ${position})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  return {
    app,
    http,
    env,
    clock,
    eventStore,
    waitForProjections,
    as,
    async close(closing: { keepRedis?: boolean } = {}) {
      await app.close();
      await connection.close();
      if (!options.eventStore) await eventStore.close();
      if (closing.keepRedis) return;
      // A test may point the API at a Redis that is not there: then there is nothing to clean.
      const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
      redis.on('error', () => undefined);
      await unlinkMatching(redis, `${prefix}*`).catch(() => undefined);
      redis.disconnect();
    },
  };
}
