import type { EventStoreDBClient } from '@eventstore/db-client';
import { CalendarProvider, type FeedHandlers, type FeedOptions } from '@tracker/application';
import type { Event } from '@tracker/domain';
import { EsdbEventFeed, REDIS } from '@tracker/infrastructure';
import type { Redis } from 'ioredis';
import { startTestEventStore, uniqueToken, waitFor, type TestEventStore } from '@tracker/testing';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { testProcedure } from '../support/reference-data';

jest.setTimeout(60_000);

// The API's reference data (units, procedures, calendar years, publication decisions) comes from one
// subscription to `$all`, filtered to their streams; the API serves from the start but answers 503 until that
// subscription has caught up.

/** The client's feed, recording each subscription's prefixes and able to hold back the reference data's
 * "caught up" (the real events still flow) until `release()`: a catch-up that takes its time. */
class RecordingFeed extends EsdbEventFeed {
  readonly subscriptions: (readonly string[])[] = [];
  /** Where the reference data's subscription resumed (undefined: from the start). */
  readonly referenceAfter: (bigint | undefined)[] = [];
  private held?: () => void;
  private gate?: Promise<void>;

  constructor(client: EventStoreDBClient, hold: boolean) {
    super(client);
    if (hold) this.gate = new Promise((resolve) => (this.held = resolve));
  }

  release(): void {
    this.held?.();
  }

  override subscribe<E extends Event>(options: FeedOptions, handlers: FeedHandlers<E>) {
    this.subscriptions.push(options.streamPrefixes);
    if (options.streamPrefixes.includes('unit-')) this.referenceAfter.push(options.after);
    const gate = this.gate;
    if (!gate || !options.streamPrefixes.includes('unit-')) return super.subscribe(options, handlers);
    return super.subscribe(options, {
      ...handlers,
      onCaughtUp: () => void gate.then(() => handlers.onCaughtUp?.()),
    });
  }
}

const procedure = testProcedure({ units: ['SCT'], feeRequired: true });
const decision = {
  decisionNo: '12/QĐ-UBND',
  decidedOn: '2025-01-20',
  basisEffectiveOn: '2025-02-10',
  items: [{ procedureCode: '1.001', change: 'new' }],
};

let eventStore: TestEventStore;
let writer: ApiHarness;
const started: ApiHarness[] = [];

beforeAll(async () => {
  eventStore = await startTestEventStore({ forceEmbedded: true });
  // Written by one API; the others start on the same log afterwards, as a restart would.
  writer = await startApi({ eventStore });
  const admin = writer.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin.put('/api/procedures/1.001').send(procedure).expect(200);
  await admin
    .put('/api/calendar/2025')
    .send({ holidays: ['2025-06-04'], workingDays: [] })
    .expect(200);
  await admin.put('/api/publications/QD12').send(decision).expect(200);
});

afterAll(async () => {
  for (const api of started) await api.close();
  await writer?.close();
  await eventStore?.close();
});

async function start(hold: boolean, keyPrefix?: string): Promise<{ api: ApiHarness; feed: RecordingFeed }> {
  let feed: RecordingFeed | undefined;
  const api = await startApi({
    eventStore,
    ...(keyPrefix ? { keyPrefix } : {}),
    eventFeed: (client) => (feed = new RecordingFeed(client, hold)),
    dontWaitForReferenceData: hold,
  });
  started.push(api);
  return { api, feed: feed! };
}

it('loads units, procedures, calendars and publications through one subscription, and sees later changes', async () => {
  const { api, feed } = await start(false);
  const reference = feed.subscriptions.filter((p) => p.includes('unit-'));
  expect(reference).toHaveLength(1);
  expect([...reference[0]].sort()).toEqual(['calendar-', 'procedure-', 'publication-', 'unit-']);
  // No other subscription of the process reads any of those streams.
  for (const prefixes of feed.subscriptions.filter((p) => p !== reference[0]))
    expect(prefixes.filter((p) => reference[0].includes(p))).toEqual([]);

  const reader = api.as(TOKENS.reform);
  expect((await reader.get('/api/units').expect(200)).body).toEqual([
    { unitId: 'SCT', name: 'Sở Công Thương', level: 'department' },
  ]);
  const procedures = (await reader.get('/api/procedures').expect(200)).body as { code: string }[];
  expect(procedures.map((p) => p.code)).toEqual(['1.001']);
  const publications = (await reader.get('/api/publications').expect(200)).body as {
    publicationId: string;
  }[];
  expect(publications.map((p) => p.publicationId)).toEqual(['QD12']);
  const calendar = await api.app.get(CalendarProvider).current(new Date('2025-06-01T00:00:00Z'));
  expect(calendar.version).toBe('2025:0');

  // Written through another process: this one's subscription delivers it.
  const admin = writer.as(TOKENS.admin);
  await admin.put('/api/units/HOIAN').send({ name: 'UBND TP Hội An', level: 'commune' }).expect(200);
  await admin
    .put('/api/procedures/1.002')
    .send({ ...procedure, name: 'Thủ tục 2' })
    .expect(200);
  await admin
    .put('/api/calendar/2026')
    .send({ holidays: ['2026-06-04'], workingDays: [] })
    .expect(200);
  await admin
    .put('/api/publications/QD13')
    .send({ ...decision, decisionNo: '13/QĐ-UBND', items: [{ procedureCode: '1.002', change: 'new' }] })
    .expect(200);
  await waitFor(
    async () => {
      const units = (await reader.get('/api/units').expect(200)).body as { unitId: string }[];
      const procs = (await reader.get('/api/procedures').expect(200)).body as { code: string }[];
      const pubs = (await reader.get('/api/publications').expect(200)).body as { publicationId: string }[];
      const cal = await api.app.get(CalendarProvider).current(new Date('2026-06-01T00:00:00Z'));
      return units.length === 2 && procs.length === 2 && pubs.length === 2 && cal.version === '2025:0,2026:0';
    },
    { description: 'the changes written by the other process', intervalMs: 50 },
  );
});

it('answers 503 (health "starting", routes SERVICE_UNAVAILABLE with Retry-After) until the reference data is loaded', async () => {
  const { api, feed } = await start(true);
  const health = await api.http.get('/api/health').expect(503);
  expect(health.body.status).toBe('starting');
  expect(health.headers['retry-after']).toBe('1');
  const units = await api.as(TOKENS.reform).get('/api/units').expect(503);
  expect(units.body.error.code).toBe('SERVICE_UNAVAILABLE');
  expect(units.headers['retry-after']).toBe('1');
  // A stranger is still told to authenticate.
  await api.http.get('/api/units').expect(401);

  feed.release();
  await waitFor(async () => (await api.http.get('/api/health')).status === 200, { description: 'ready' });
  expect((await api.http.get('/api/health').expect(200)).body.status).toBe('ready');
  const listed = (await api.as(TOKENS.reform).get('/api/units').expect(200)).body as { unitId: string }[];
  expect(listed.map((u) => u.unitId)).toContain('SCT');
});

it('a restart replays the reference snapshot and catches up after its position only; a snapshot of another log is ignored', async () => {
  const keyPrefix = `refsnap:${uniqueToken()}:`;
  const key = `${keyPrefix}reference:snapshot`;
  const lists = async (api: ApiHarness) => {
    const reader = api.as(TOKENS.reform);
    return Promise.all(
      ['/api/units', '/api/procedures', '/api/publications'].map(
        async (path) => (await reader.get(path).expect(200)).body as unknown,
      ),
    );
  };
  const first = await start(false, keyPrefix);
  expect(first.feed.referenceAfter).toEqual([undefined]);
  const redis = first.api.app.get<Redis>(REDIS);
  await waitFor(async () => (await redis.exists(key)) === 1, { description: 'the snapshot saved' });
  const saved = JSON.parse((await redis.get(key))!) as { position: string; events: unknown[] };
  expect(saved.events.length).toBeGreaterThan(0);
  await first.api.close({ keepRedis: true });

  // Written after the snapshot: the restarted API finds it in the log's tail.
  const admin = writer.as(TOKENS.admin);
  await admin.put('/api/units/TAMKY').send({ name: 'UBND TP Tam Kỳ', level: 'commune' }).expect(200);
  await admin
    .put('/api/procedures/1.003')
    .send({ ...procedure, name: 'Thủ tục 3' })
    .expect(200);

  const fresh = await start(false);
  const expected = await lists(fresh.api);
  expect((expected[0] as { unitId: string }[]).map((u) => u.unitId)).toContain('TAMKY');

  const resumed = await start(false, keyPrefix);
  expect(resumed.feed.referenceAfter).toEqual([BigInt(saved.position)]);
  expect(await lists(resumed.api)).toEqual(expected);
  const calendar = await resumed.api.app.get(CalendarProvider).current(new Date('2025-06-01T00:00:00Z'));
  expect(calendar.version).toBe(
    (await fresh.api.app.get(CalendarProvider).current(new Date('2025-06-01T00:00:00Z'))).version,
  );
  // Saved again at its catch-up, up to a later position.
  const redis2 = resumed.api.app.get<Redis>(REDIS);
  const snapshotAt = async () =>
    BigInt((JSON.parse((await redis2.get(key))!) as { position: string }).position);
  await waitFor(async () => (await snapshotAt()) > BigInt(saved.position), {
    description: 'the snapshot moved on',
  });

  // A snapshot of another log (a restore, another event store) is not replayed.
  const other = JSON.parse((await redis2.get(key))!) as Record<string, unknown>;
  await redis2.set(key, JSON.stringify({ ...other, logId: 'another-log', events: [] }));
  await resumed.api.close({ keepRedis: true });
  const again = await start(false, keyPrefix);
  expect(again.feed.referenceAfter).toEqual([undefined]);
  expect(await lists(again.api)).toEqual(expected);
});
