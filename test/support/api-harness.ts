import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock } from '@tracker/application';
import {
  Environment,
  EventStoreConnection,
  connectEventStore,
  loadEnvironment,
  parseTokens,
} from '@tracker/infrastructure';
import { startTestEventStore, TestEventStore, uniqueToken } from '@tracker/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttp } from '../../apps/api/src/http/configure-http';

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
  as(token: string): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    put(path: string): request.Test;
  };
  close(): Promise<void>;
}>;

/**
 * The API exactly as main.ts configures it, over a fresh embedded event store (in memory) and the real
 * Redis under a key prefix of its own, removed on close.
 */
export async function startApi(): Promise<ApiHarness> {
  const eventStore = await startTestEventStore({ forceEmbedded: true });
  const connection: EventStoreConnection = await connectEventStore({
    connectionString: eventStore.connectionString,
    dataDir: 'unused',
  });
  const prefix = `test:${uniqueToken()}:`;
  const env = loadEnvironment({
    ...process.env,
    NODE_ENV: 'test',
    REDIS_KEY_PREFIX: prefix,
    EVENTSTORE_CONNECTION_STRING: eventStore.connectionString,
  });
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({
    imports: [ApiModule.forRoot({ env, tokens: parseTokens(TOKENS_FILE), clock, eventStore: connection })],
  }).compile();
  const app = configureHttp(moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] }));
  await app.init();
  const http = request(app.getHttpServer());
  const as = (token: string) => ({
    get: (path: string) => http.get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => http.post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => http.put(path).set('Authorization', `Bearer ${token}`),
  });
  return {
    app,
    http,
    env,
    clock,
    eventStore,
    as,
    async close() {
      await app.close();
      await connection.close();
      await eventStore.close();
      const redis = new Redis(env.REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
