import { LogIdentity, dossierListProjection } from '@tracker/application';
import { EsdbEventFeed, EsdbEventStore, RedisProjectionStore, unlinkMatching } from '@tracker/infrastructure';
import { startTestEventStore, TestEventStore, uniqueToken } from '@tracker/testing';
import { Redis } from 'ioredis';
import { logIdentityHealth } from './log-identity.health';

let es: TestEventStore;
let redis: Redis;
const prefix = `test:${uniqueToken()}:`;

beforeAll(async () => {
  es = await startTestEventStore({ forceEmbedded: true });
  redis = new Redis('redis://127.0.0.1:6379');
});
afterAll(async () => {
  await unlinkMatching(redis, `${prefix}*`);
  await redis.quit();
  await es.close();
});

it('health says which read models the readers see were built from another log', async () => {
  const feed = new EsdbEventFeed(es.client);
  const identity = new LogIdentity(new EsdbEventStore(es.client), feed);
  const store = new RedisProjectionStore(redis, prefix);
  expect(await logIdentityHealth(identity, store, 0n)).toEqual({
    id: null,
    readModels: 'current',
    rebuilding: [],
  });

  const logId = await identity.ensure();
  const head = await feed.headPosition();
  // The list was folded from another log up to a position this one has not reached.
  const writer = await store.activeWriter(dossierListProjection);
  await writer.bindLog('another-log');
  await writer.commit({
    expected: undefined,
    checkpoint: head + 1000n,
    events: 3,
    changes: [],
    remove: [],
    add: [],
  });
  await writer.close();
  const health = await logIdentityHealth(identity, store, head);
  expect(health).toMatchObject({ id: logId, readModels: 'rebuilding' });
  expect(health.rebuilding).toEqual([
    { projection: 'dossier-list.v2', reason: expect.stringMatching(/built from log another-log/) },
  ]);

  // Once a generation of this log is the active one, it is current again.
  const fresh = await store.newGenerationWriter(dossierListProjection);
  await fresh.bindLog(logId);
  await fresh.close();
  await store.activate(dossierListProjection, fresh.generation, { force: true });
  expect(await logIdentityHealth(identity, store, head)).toEqual({
    id: logId,
    readModels: 'current',
    rebuilding: [],
  });
});
