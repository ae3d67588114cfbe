import {
  AnyProjection,
  dossierFactsProjection,
  dossierListProjection,
  handleCommand,
  projectionId,
} from '@tracker/application';
import {
  ProjectionSink,
  ProjectionWorker,
  SubscriptionRunner,
  rebuildProjection,
} from '@tracker/projections';
import { DossierCommand, DossierEvent, dossierDecider, dossierStreamName, factsOf } from '@tracker/domain';
import { startTestEventStore, TestEventStore, uniqueToken, waitFor } from '@tracker/testing';
import {
  recordProcessing,
  receiveDossier,
  requestSupplement,
  receiveSupplement,
  transfer,
} from '@tracker/testing/fixtures/dossier.fixtures';
import {
  EsdbEventFeed,
  EsdbEventStore,
  EventStoreConnection,
  ProjectionKeys,
  RedisProjectionStore,
  connectEventStore,
  setProjectionCommitFault,
} from '@tracker/infrastructure';
import { Redis } from 'ioredis';

jest.setTimeout(60_000);

// A Redis database of this file's own, since it FLUSHes it: 2–9 by jest worker (other suites use 0 and
// 10 + JEST_WORKER_ID with key prefixes, which a FLUSHDB here must never touch); a key prefix per test.
const DB = 2 + ((Number(process.env.JEST_WORKER_ID ?? 1) - 1) % 8);
const REDIS_URL = `redis://127.0.0.1:6379/${DB}`;
const P = dossierListProjection;

let es: TestEventStore;
let connection: EventStoreConnection;
let store: EsdbEventStore;
let feed: EsdbEventFeed;
let redis: Redis;
let totalEvents = 0;
const codes: string[] = [];

async function run(code: string, command: DossierCommand): Promise<void> {
  const result = await handleCommand(store, dossierStreamName(code), dossierDecider, command, {
    actor: 'clerk-1',
    correlationId: uniqueToken(),
  });
  totalEvents += result.newEvents.length;
}

/** 30 dossiers through the command handler: some transferred, some with a supplement round, some finished. */
async function seed(from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const code = `U01-T-${String(i).padStart(4, '0')}`;
    const day = String(3 + (i % 4)).padStart(2, '0');
    const receivedAt = `2025-03-${day}T0${8 + (i % 2)}:00:00+07:00`;
    codes.push(code);
    await run(code, receiveDossier({ code, receivedAt }));
    if (i % 3 === 0) await run(code, transfer(`2025-03-${day}T10:00:00+07:00`));
    if (i % 4 === 1) {
      await run(code, requestSupplement(`2025-03-${day}T11:00:00+07:00`));
      await run(code, receiveSupplement(`2025-03-${day}T15:00:00+07:00`));
    }
    if (i % 5 === 2) await run(code, recordProcessing(`2025-03-${day}T16:00:00+07:00`));
  }
}

type Dump = {
  checkpoint: Record<string, string>;
  docs: Record<string, string>;
  indexes: Record<string, string[]>;
};

/** Everything of the active generation, keys relative to its root (updatedAt dropped). */
async function dump(prefix: string): Promise<Dump> {
  const keys = new ProjectionKeys(prefix, P);
  const g = keys.generation(Number(await redis.get(keys.active)));
  const { updatedAt: _ignored, ...checkpoint } = await redis.hgetall(g.checkpoint);
  const docs = await redis.hgetall(g.docs);
  const indexes: Record<string, string[]> = {};
  for (const key of (await redis.keys(`${g.root}:ix:*`)).sort()) {
    indexes[key.slice(g.root.length)] = await redis.zrange(key, '0', '-1', 'WITHSCORES');
  }
  return { checkpoint, docs, indexes };
}

function runner(
  prefix: string,
  batchSize = 500,
  onError?: (e: Error) => void,
  projection: AnyProjection = P,
) {
  const projections = new RedisProjectionStore(redis, prefix);
  const r = new SubscriptionRunner(feed, new ProjectionSink(projection, projections, { source: store }), {
    batchSize,
    retry: { initialMs: 5, maxMs: 20 },
    ...(onError ? { onError } : {}),
  });
  r.start();
  return r;
}

async function caughtUpWithHead(r: SubscriptionRunner): Promise<void> {
  await r.waitForPosition(await feed.headPosition());
}

beforeAll(async () => {
  es = await startTestEventStore({ forceEmbedded: true });
  connection = await connectEventStore({ connectionString: es.connectionString, dataDir: 'unused' });
  store = new EsdbEventStore(connection.client);
  feed = new EsdbEventFeed(connection.client);
  redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await seed(0, 30);
});

afterAll(async () => {
  setProjectionCommitFault(undefined);
  await redis?.flushdb();
  await redis?.quit();
  await connection?.close();
  await es?.close();
});

describe('dossier-list.v2 in Redis', () => {
  let reference: Dump;
  const refPrefix = `t:${uniqueToken()}:`;

  beforeAll(async () => {
    const r = runner(refPrefix);
    await caughtUpWithHead(r);
    await r.stop();
    reference = await dump(refPrefix);
  });

  it('shows appended events in the documents and indexes, with one checkpoint counting each event once', async () => {
    expect(Object.keys(reference.docs).sort()).toEqual([...codes].sort());
    expect(reference.checkpoint.events).toBe(String(totalEvents));
    expect(BigInt(reference.checkpoint.position)).toBe(await feed.headPosition());
    const doc = JSON.parse(reference.docs['U01-T-0003']) as { d: { currentUnitId: string; status: string } };
    expect(doc.d).toMatchObject({ currentUnitId: 'U02', status: 'received' });
    expect(reference.indexes[':ix:all']).toHaveLength(60); // 30 members, with scores
    expect(reference.indexes[':ix:unit:U02'].filter((_, i) => i % 2 === 0)).toHaveLength(10);
    expect(reference.indexes[':ix:all:status:processed'].length / 2).toBe(6);
  });

  it('a worker dying mid-batch and restarted ends with the same read model as an uninterrupted run', async () => {
    const prefix = `t:${uniqueToken()}:`;
    let commits = 0;
    setProjectionCommitFault(({ projection }) => {
      if (projection !== projectionId(P)) return;
      commits++;
      if (commits === 3 || commits === 6) throw new Error('simulated crash before EXEC');
    });
    const errors: string[] = [];
    const first = runner(prefix, 7, (e) => errors.push(e.message));
    await waitFor(() => errors.length >= 1, { description: 'the injected crash' });
    await first.stop(); // the process "dies": a new worker starts from the stored checkpoint
    const second = runner(prefix, 7, (e) => errors.push(e.message));
    await caughtUpWithHead(second);
    await second.stop();
    setProjectionCommitFault(undefined);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(await dump(prefix)).toEqual(reference);
  });

  it("once a version has caught up, the worker deletes its earlier versions' read models and nothing else", async () => {
    const prefix = `t:${uniqueToken()}:`;
    // What dossier-list.v1 left before the bump to v2, and another projection whose name starts the same.
    const v1 = new ProjectionKeys(prefix, 'dossier-list.v1');
    const other = new ProjectionKeys(prefix, 'dossier-list-archive.v1');
    await redis.set(v1.active, '3');
    await redis.hset(v1.generation(3).docs, codes[0], '{}');
    await redis.zadd(v1.generation(3).index('unit:U01'), 1, codes[0]);
    await redis.hset(v1.generation(2).checkpoint, 'events', '9');
    await redis.set(other.active, '1');
    const worker = new ProjectionWorker(feed, store, new RedisProjectionStore(redis, prefix), [
      { projection: P, hooks: {} },
    ]);
    worker.onApplicationBootstrap();
    try {
      await waitFor(async () => (await redis.keys(`${prefix}proj:dossier-list.v1:*`)).length === 0, {
        description: 'dossier-list.v1 deleted',
      });
      expect(worker.runner(projectionId(P))!.status().position).toBeDefined(); // v2 has caught up
      expect(await redis.get(other.active)).toBe('1');
      expect(await dump(prefix)).toMatchObject({ checkpoint: { events: String(totalEvents) } });
    } finally {
      await worker.onApplicationShutdown();
    }
  });

  it('rebuilds the same read model from the event store after FLUSHDB', async () => {
    await redis.flushdb();
    const r = runner(refPrefix, 11);
    await caughtUpWithHead(r);
    await r.stop();
    expect(await dump(refPrefix)).toEqual(reference);
  });

  it('a rebuild switches readers to a new generation without a gap, and the live worker follows it', async () => {
    const prefix = `t:${uniqueToken()}:`;
    const keys = new ProjectionKeys(prefix, P);
    const live = runner(prefix);
    await caughtUpWithHead(live);
    const before = await dump(prefix);
    expect(await redis.get(keys.active)).toBe('1');

    // A reader polls all along: every read must find the whole list in the active generation.
    let reading = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (reading) {
        const g = Number(await redis.get(keys.active));
        seen.push(await redis.zcard(keys.generation(g).index('all')));
      }
    })();
    const result = await rebuildProjection(feed, new RedisProjectionStore(redis, prefix), P, {
      graceMs: 50,
      source: store,
    });
    reading = false;
    await reader;
    expect(result).toEqual({ projection: 'dossier-list.v2', generation: 2, replaced: 1 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n >= 30)).toBe(true);
    expect(await redis.keys(`${keys.generation(1).root}:*`)).toEqual([]);
    expect(await dump(prefix)).toEqual(before);

    // The live worker's next commit finds the pointer moved and continues in generation 2.
    await seed(30, 2);
    await caughtUpWithHead(live);
    await live.stop();
    const after = await dump(prefix);
    expect(Object.keys(after.docs)).toHaveLength(32);
    expect(after.checkpoint.events).toBe(String(totalEvents));
    expect(await redis.keys(`${keys.generation(1).root}:*`)).toEqual([]);
  });

  it('refuses a commit whose checkpoint another writer moved, or whose generation readers left, writing none of it', async () => {
    const prefix = `t:${uniqueToken()}:`;
    const projectionStore = new RedisProjectionStore(redis, prefix);
    const keys = new ProjectionKeys(prefix, P);
    const doc = (id: string, position: bigint) => ({
      id,
      before: undefined,
      after: { doc: { id }, lastPosition: position },
    });
    const batch = (id: string, expected: bigint | undefined, checkpoint: bigint) => ({
      expected,
      checkpoint,
      events: 1,
      changes: [doc(id, checkpoint)],
      remove: [],
      add: [{ set: 'all', score: 0, member: id }],
    });
    const first = await projectionStore.activeWriter(P);
    const second = await projectionStore.activeWriter(P);
    await first.commit(batch('a', undefined, 10n));
    await expect(second.commit(batch('b', undefined, 10n))).rejects.toMatchObject({
      reason: 'checkpoint-moved',
    });
    const g1 = keys.generation(first.generation);
    expect(await redis.hkeys(g1.docs)).toEqual(['a']);
    expect(await redis.zrange(g1.index('all'), '0', '-1')).toEqual(['a']);

    const rebuilt = await projectionStore.newGenerationWriter(P);
    await rebuilt.commit(batch('a', undefined, 10n));
    expect(await projectionStore.activate(P, rebuilt.generation)).toEqual({ replaced: first.generation });
    await expect(first.commit(batch('c', 10n, 20n))).rejects.toMatchObject({ reason: 'generation-switched' });
    expect(await redis.hkeys(g1.docs)).toEqual(['a']);
    expect(await redis.hget(g1.checkpoint, 'position')).toBe('10');
    // The writers' connections are usable after a refusal (no WATCH left behind).
    await rebuilt.commit(batch('d', 10n, 20n));
    expect((await redis.hkeys(keys.generation(rebuilt.generation).docs)).sort()).toEqual(['a', 'd']);
    await Promise.all([first.close(), second.close(), rebuilt.close()]);
  });
});

describe('dossier-facts.v1 in Redis', () => {
  it('holds the scoring fold of each dossier in one hash, and logs the changed codes of each batch', async () => {
    const prefix = `t:${uniqueToken()}:`;
    const r = runner(prefix, 13, undefined, dossierFactsProjection);
    await caughtUpWithHead(r);
    await r.stop();
    const g = new ProjectionKeys(prefix, dossierFactsProjection).generation(1);
    const stored = await redis.hgetall(g.docs);
    expect(Object.keys(stored).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const { events } = await store.readStream<DossierEvent>(dossierStreamName(code));
      const expected = factsOf(
        code,
        events.map((e) => e.event),
      );
      expect((JSON.parse(stored[code]) as { d: unknown }).d).toEqual(JSON.parse(JSON.stringify(expected)));
    }
    const log = await redis.xrange(g.changes, '-', '+');
    expect(log.length).toBeGreaterThan(1);
    const logged = new Set(
      log.flatMap(([, fields]) => JSON.parse(fields[fields.indexOf('ids') + 1]) as string[]),
    );
    expect([...logged].sort()).toEqual([...codes].sort());
  });
});
