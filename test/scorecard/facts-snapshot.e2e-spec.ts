import {
  DossierFactsCache,
  FeedbackFactsCache,
  dossierFactsProjection,
  feedbackFactsProjection,
  type AnyProjection,
} from '@tracker/application';
import { REDIS, RedisFactsTableSnapshots, RedisFeedbackTableSnapshots } from '@tracker/infrastructure';
import { TestEventStore, startTestEventStore, uniqueToken } from '@tracker/testing';
import type { Redis } from 'ioredis';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { seedFeedback, seedProvince } from './province';

// The scorecard's facts table (and its feedback items) are saved as one snapshot each beside the facts
// projection's generation; a restarted API loads them in one read and catches up from the change log after
// them. Whatever the snapshots (older than the log, corrupt, missing), the scorecards after the restart are
// those before it.
jest.setTimeout(180_000);

const ASOF = encodeURIComponent('2025-06-30T12:00:00+07:00');
const QUERIES = [
  `/api/scorecards?period=2025-Q1&asOf=${ASOF}`,
  `/api/scorecards?period=2025&level=commune&asOf=${ASOF}`,
  `/api/scorecards/D1?period=2025-Q1&dossiers=true&asOf=${ASOF}`,
];

let es: TestEventStore;
let api: ApiHarness | undefined;
const keyPrefix = `snap:${uniqueToken()}:`;
let expected: unknown[];
let seeded: number;
let feedbackSeeded: number;

const scorecards = async (a: ApiHarness) =>
  Promise.all(QUERIES.map(async (q) => (await a.as(TOKENS.reform).get(q).expect(200)).body));
const restart = async () => {
  await api?.close({ keepRedis: true });
  api = await startApi({ eventStore: es, keyPrefix });
  return api;
};
const snapshots = (a: ApiHarness) =>
  new RedisFactsTableSnapshots(a.app.get<Redis>(REDIS), keyPrefix, dossierFactsProjection);
const feedbackSnapshots = (a: ApiHarness) =>
  new RedisFeedbackTableSnapshots(a.app.get<Redis>(REDIS), keyPrefix, feedbackFactsProjection);
async function snapshotKey(
  a: ApiHarness,
  projection: AnyProjection = dossierFactsProjection,
): Promise<string> {
  const redis = a.app.get<Redis>(REDIS);
  const base = `${keyPrefix}proj:${projection.name}.v${projection.version}`;
  const generation = await redis.get(`${base}:active`);
  return `${base}:g${generation}:snapshot`;
}
/** One byte in the middle of a snapshot changed, as a bad disk or a partial write would. */
async function corrupt(a: ApiHarness, key: string): Promise<void> {
  const redis = a.app.get<Redis>(REDIS);
  const length = await redis.strlen(key);
  expect(length).toBeGreaterThan(100);
  const at = Math.floor(length * 0.75);
  const [byte] = await redis.getrangeBuffer(key, at, at);
  await redis.setrange(key, at, Buffer.from([byte ^ 0x5a]));
  expect(await redis.strlen(key)).toBe(length);
}

beforeAll(async () => {
  es = await startTestEventStore({ forceEmbedded: true });
  api = await startApi({ worker: true, eventStore: es, keyPrefix });
  await seedProvince(api, 80);
  await seedFeedback(api, 40, 80);
  await api.waitForProjections(90_000);
  const cache = api.app.get(DossierFactsCache);
  const feedback = api.app.get(FeedbackFactsCache);
  await scorecards(api);
  await cache.settled();
  await feedback.settled();
  // Loaded from the documents (no snapshot yet), then saved.
  expect(cache.lastLoad).toBe('documents');
  expect(feedback.lastLoad).toBe('documents');
  seeded = cache.size;
  feedbackSeeded = feedback.size;
  expect(feedbackSeeded).toBeGreaterThanOrEqual(40);
  expect((await snapshots(api).load())?.image.size).toBe(seeded);
  expect((await feedbackSnapshots(api).load())?.facts.length).toBe(feedbackSeeded);

  // Events after the snapshot: new dossiers, some processed, in the first quarter of 2025.
  const admin = api.as(TOKENS.admin);
  const { unitId, procedureCode } = (await admin.get('/api/dossiers/S-0').expect(200)).body as {
    unitId: string;
    procedureCode: string;
  };
  for (let i = 0; i < 6; i++) {
    await admin
      .post('/api/dossiers')
      .send({
        code: `LATE-${i}`,
        unitId,
        procedureCode,
        channel: 'in-person',
        receivedAt: `2025-02-1${i}T08:00:00+07:00`,
        feeAmount: 0,
      })
      .expect(201);
    if (i % 2 === 0)
      await admin
        .post(`/api/dossiers/LATE-${i}/events`)
        .send({ type: 'processed', occurredAt: `2025-02-2${i}T09:00:00+07:00`, outcome: 'approved' })
        .expect(201);
  }
  // And a feedback item naming one of them (5.3), after the feedback snapshot.
  await admin
    .post('/api/feedback')
    .send({
      unitId,
      receivedAt: '2025-02-20T09:00:00+07:00',
      channel: 'national-portal',
      about: 'dossier',
      dossierCode: 'LATE-1',
      summary: 'Hồ sơ chậm',
    })
    .expect(201);
  await api.waitForProjections(90_000);
  expected = await scorecards(api);
  // The snapshots are older than the log now.
  expect((await snapshots(api).load())?.image.size).toBe(seeded);
  expect((await feedbackSnapshots(api).load())?.facts.length).toBe(feedbackSeeded);
});

afterAll(async () => {
  await api?.close();
  await es?.close();
});

it('a restart loads the snapshot, catches up the events written after it, and scores the same', async () => {
  const a = await restart();
  expect(await scorecards(a)).toEqual(expected);
  const cache = a.app.get(DossierFactsCache);
  expect(cache.lastLoad).toBe('snapshot');
  expect(cache.size).toBe(seeded + 6);
  const feedback = a.app.get(FeedbackFactsCache);
  expect(feedback.lastLoad).toBe('snapshot');
  expect(feedback.size).toBe(feedbackSeeded + 1);
});

it('corrupt snapshots are ignored: the restart loads every document and scores the same', async () => {
  await corrupt(api!, await snapshotKey(api!));
  await corrupt(api!, await snapshotKey(api!, feedbackFactsProjection));
  const a = await restart();
  expect(await scorecards(a)).toEqual(expected);
  expect(a.app.get(DossierFactsCache).lastLoad).toBe('documents');
  expect(a.app.get(FeedbackFactsCache).lastLoad).toBe('documents');
});

it('a snapshot of another generation (a rebuilt projection) is ignored', async () => {
  const a = api!;
  await a.app.get(FeedbackFactsCache).settled();
  const saved = await feedbackSnapshots(a).load();
  expect(saved).toBeDefined();
  // The current key holding a snapshot that claims another generation.
  await feedbackSnapshots(a).save({ ...saved!, generation: saved!.generation + 1 });
  const redis = a.app.get<Redis>(REDIS);
  await redis.copy(
    (await snapshotKey(a, feedbackFactsProjection)).replace(/:g\d+:/, `:g${saved!.generation + 1}:`),
    await snapshotKey(a, feedbackFactsProjection),
    'REPLACE',
  );
  const b = await restart();
  expect(await scorecards(b)).toEqual(expected);
  expect(b.app.get(FeedbackFactsCache).lastLoad).toBe('documents');
});

it('a missing snapshot: the restart loads every document, scores the same, and saves a new one', async () => {
  await api!.app.get<Redis>(REDIS).del(await snapshotKey(api!));
  const a = await restart();
  expect(await scorecards(a)).toEqual(expected);
  const cache = a.app.get(DossierFactsCache);
  expect(cache.lastLoad).toBe('documents');
  await cache.settled();
  expect((await snapshots(a).load())?.image.size).toBe(seeded + 6);
  await a.app.get(FeedbackFactsCache).settled();
  const again = await restart();
  expect(await scorecards(again)).toEqual(expected);
  expect(again.app.get(DossierFactsCache).lastLoad).toBe('snapshot');
  expect(again.app.get(FeedbackFactsCache).lastLoad).toBe('snapshot');
});
