import { randomUUID } from 'node:crypto';
import {
  LOG_IDENTITY_STREAM,
  LogIdentity,
  dossierListProjection,
  handleCommand,
  type LogIdentityEvent,
} from '@tracker/application';
import { dossierDecider, dossierStreamName } from '@tracker/domain';
import { startTestEventStore, TestEventStore, uniqueToken } from '@tracker/testing';
import { receiveDossier } from '@tracker/testing/fixtures/dossier.fixtures';
import { EsdbEventFeed, EsdbEventStore, RedisProjectionStore, unlinkMatching } from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { ProjectionSink } from './projection.sink';
import { SubscriptionRunner } from './subscription.runner';

jest.setTimeout(60_000);

const P = dossierListProjection;
let redis: Redis;
const stores: TestEventStore[] = [];
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379');
});
afterAll(async () => {
  for (const p of prefixes) await unlinkMatching(redis, `${p}*`);
  await redis.quit();
  for (const s of stores) await s.close();
});

async function freshLog(): Promise<TestEventStore> {
  const es = await startTestEventStore({ forceEmbedded: true });
  stores.push(es);
  return es;
}

const parts = (es: TestEventStore) => {
  const store = new EsdbEventStore(es.client);
  const feed = new EsdbEventFeed(es.client);
  return { store, feed, identity: new LogIdentity(store, feed) };
};

async function receive(es: TestEventStore, codes: string[]): Promise<void> {
  const store = new EsdbEventStore(es.client);
  for (const code of codes) {
    await handleCommand(store, dossierStreamName(code), dossierDecider, receiveDossier({ code }), {
      actor: 'clerk-1',
      correlationId: uniqueToken(),
    });
  }
}

/** Runs the list projection of `es` into Redis under `prefix` until it is live; returns what readers see. */
async function project(es: TestEventStore, prefix: string, lines: string[] = []) {
  const { store, feed, identity } = parts(es);
  const projections = new RedisProjectionStore(redis, prefix);
  const runner = new SubscriptionRunner(
    feed,
    new ProjectionSink(P, projections, { source: store, identity, log: (l) => lines.push(l) }),
  );
  runner.start();
  await runner.whenCaughtUp();
  await runner.stop();
  const status = (await projections.status(P))!;
  const docs = await redis.hkeys(projections.keys(P).generation(status.generation).docs);
  return { status, docs: docs.sort(), logId: identity.current, lines };
}

it('two processes starting at once on an empty log record one identity and both adopt it', async () => {
  const es = await freshLog();
  const a = new LogIdentity(new EsdbEventStore(es.createClient()), new EsdbEventFeed(es.client));
  const b = new LogIdentity(new EsdbEventStore(es.createClient()), new EsdbEventFeed(es.client));
  const [idA, idB] = await Promise.all([a.ensure(), b.ensure()]);
  expect(idA).toBe(idB);
  const { events } = await new EsdbEventStore(es.client).readStream<LogIdentityEvent>(LOG_IDENTITY_STREAM);
  expect(events).toHaveLength(1);
  expect(await a.ensure()).toBe(idA); // and never again
});

it('read models of another log are rebuilt beside the old ones, which stay readable until then', async () => {
  const prefix = `test:${uniqueToken()}:`;
  prefixes.push(prefix);
  const first = await freshLog();
  await receive(first, ['A-1', 'A-2', 'A-3']);
  const before = await project(first, prefix);
  expect(before.docs).toEqual(['A-1', 'A-2', 'A-3']);
  expect(before.status.checkpoint.logId).toBe(before.logId);

  // The same Redis, another log (a new data directory): its positions are below the old checkpoint.
  const second = await freshLog();
  await receive(second, ['B-1']);
  const { store, feed, identity } = parts(second);
  const projections = new RedisProjectionStore(redis, prefix);
  const lines: string[] = [];
  const sink = new ProjectionSink(P, projections, { source: store, identity, log: (l) => lines.push(l) });
  // Until the new generation has caught up, readers keep the old one.
  const seen: number[] = [];
  const runner = new SubscriptionRunner(feed, {
    name: sink.name,
    streamPrefixes: sink.streamPrefixes,
    open: () => sink.open(),
    handle: async (events) => {
      seen.push((await projections.activeGeneration(P))!);
      await sink.handle(events);
    },
    caughtUp: () => sink.caughtUp(),
    close: () => sink.close(),
  });
  runner.start();
  await runner.whenCaughtUp();
  await runner.stop();
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((g) => g === before.status.generation)).toBe(true);
  const status = (await projections.status(P))!;
  expect(status.generation).not.toBe(before.status.generation);
  expect(status.checkpoint.logId).toBe(identity.current);
  expect(status.checkpoint.logId).not.toBe(before.logId);
  expect(await redis.hkeys(projections.keys(P).generation(status.generation).docs)).toEqual(['B-1']);
  expect(lines.join('\n')).toMatch(/built from log .* the event store holds log/);

  // A dossier received now is folded (nothing skipped), by a restarted runner on the same generation.
  await receive(second, ['B-2']);
  const after = await project(second, prefix);
  expect(after.status.generation).toBe(status.generation);
  expect(after.docs).toEqual(['B-1', 'B-2']);
  expect(after.lines).toEqual([]);
});

it('a log with the same identity but a head below the checkpoint (an older copy) is rebuilt too', async () => {
  const prefix = `test:${uniqueToken()}:`;
  prefixes.push(prefix);
  const original = await freshLog();
  await receive(original, ['C-1', 'C-2', 'C-3', 'C-4']);
  const built = await project(original, prefix);
  expect(built.docs).toHaveLength(4);

  // An older copy of the same log: the identity first, then only the first dossier.
  const older = await freshLog();
  await new EsdbEventStore(older.client).appendToStream<LogIdentityEvent>(
    LOG_IDENTITY_STREAM,
    [
      {
        id: randomUUID(),
        event: {
          type: 'TrackerLogStarted',
          data: { logId: built.logId!, startedAt: new Date().toISOString() },
        },
        metadata: { actor: 'test', correlationId: 'c', causationId: 'c' },
      },
    ],
    'no_stream',
  );
  await receive(older, ['C-1']);
  const rebuilt = await project(older, prefix);
  expect(rebuilt.logId).toBe(built.logId);
  expect(rebuilt.lines.join('\n')).toMatch(/beyond the log's head/);
  expect(rebuilt.docs).toEqual(['C-1']);
  expect(rebuilt.status.generation).not.toBe(built.status.generation);
});
