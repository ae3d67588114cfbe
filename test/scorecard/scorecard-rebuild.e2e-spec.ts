import { setProjectionCommitFault } from '@tracker/infrastructure';
import { TestEventStore, startTestEventStore } from '@tracker/testing';
import { Redis } from 'ioredis';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { seedProvince } from './province';

// The scorecard is a function of the event store alone: wiping the read-model database, or killing the
// worker in the middle of its batches, must give back exactly the same scorecards. This suite owns Redis
// database 15 (it FLUSHes it), so it shares nothing with the other suites.
jest.setTimeout(180_000);

const REDIS_URL = 'redis://127.0.0.1:6379/15';
const ASOF = encodeURIComponent('2025-06-30T12:00:00+07:00');
const QUERIES = [
  `/api/scorecards?period=2025-Q1&level=department&asOf=${ASOF}`,
  `/api/scorecards?period=2025-Q1&level=commune&asOf=${ASOF}`,
  `/api/scorecards?period=2025&level=department&asOf=${ASOF}`,
  `/api/scorecards/D1?period=2025-Q1&dossiers=true&asOf=${ASOF}`,
];

let es: TestEventStore;
let redis: Redis;
let api: ApiHarness | undefined;
let reference: unknown[];

const start = () => startApi({ worker: true, eventStore: es, redisUrl: REDIS_URL, keyPrefix: 'rebuild:' });
const scorecards = async (a: ApiHarness) =>
  Promise.all(QUERIES.map(async (q) => (await a.as(TOKENS.reform).get(q).expect(200)).body));

beforeAll(async () => {
  es = await startTestEventStore({ forceEmbedded: true });
  redis = new Redis(REDIS_URL);
  await redis.flushdb();
  api = await start();
  await seedProvince(api, 150);
  await api.waitForProjections();
  reference = await scorecards(api);
  await api.close();
  api = undefined;
});

afterEach(async () => {
  setProjectionCommitFault(undefined);
  await api?.close();
  api = undefined;
});

afterAll(async () => {
  await redis.flushdb();
  await redis.quit();
  await es.close();
});

it('FLUSHDB on the read-model database rebuilds the same scorecards from the event store', async () => {
  await redis.flushdb();
  expect(await redis.dbsize()).toBe(0);
  api = await start();
  await api.waitForProjections();
  expect(await scorecards(api)).toEqual(reference);
});

it('a worker killed in the middle of its batches, then restarted, gives the same scorecards', async () => {
  await redis.flushdb();
  // Every third commit dies after its batch was folded and queued, before EXEC: as if the process had been
  // killed there. The runner starts again from the stored checkpoint, as a restarted worker does.
  let commits = 0;
  let killed = 0;
  setProjectionCommitFault(() => {
    if (++commits % 3 === 0 && killed < 20) {
      killed++;
      throw new Error('killed mid-batch');
    }
  });
  api = await start();
  await api.waitForProjections(60_000);
  expect(killed).toBeGreaterThan(0);
  expect(await scorecards(api)).toEqual(reference);
  // And a real restart on the same read models changes nothing.
  await api.close();
  api = await start();
  await api.waitForProjections();
  expect(await scorecards(api)).toEqual(reference);
});
