import {
  startStallingProxy,
  startTestEventStore,
  type StallingProxy,
  type TestEventStore,
} from '@tracker/testing';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(60_000);

// The store commits an append, then its answer is held past the API's deadline: the API must find out what
// happened before it answers, so a client's retry of a 503 can never receive a second dossier.
let store: TestEventStore;
let proxy: StallingProxy;
let api: ApiHarness;

beforeAll(async () => {
  store = await startTestEventStore({ forceEmbedded: true });
  const { port } = new URL(store.connectionString.replace(/^esdb:/, 'http:'));
  proxy = await startStallingProxy({ host: '127.0.0.1', port: Number(port) });
  api = await startApi({
    eventStore: store,
    connectionString: `esdb://127.0.0.1:${proxy.port}?tls=false`,
    env: { EVENTSTORE_DEADLINE_MS: '500' },
  });
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin
    .put('/api/procedures/P1')
    .send({
      name: 'Cấp giấy phép',
      units: ['SCT'],
      timeLimit: { value: 10, unit: 'working-days' },
      onlineLevel: 'full',
      feeRequired: true,
      requiresWrittenResult: true,
    })
    .expect(200);
});

afterAll(async () => {
  await api?.close();
  await proxy?.close();
  await store?.close();
});

async function dossierStreams(): Promise<string[]> {
  const names = new Set<string>();
  for await (const resolved of store.client.readAll()) {
    const id = resolved.event?.streamId;
    if (id?.startsWith('dossier-')) names.add(id);
  }
  return [...names];
}

it('an append committed but answered after the deadline answers 201, once, and no retry is needed', async () => {
  const before = await dossierStreams();
  proxy.stallAnswers(2_000);
  const res = await api.as(TOKENS.clerkA).post('/api/dossiers').send({
    unitId: 'SCT',
    procedureCode: 'P1',
    channel: 'online',
    onlineLevel: 'full',
    receivedAt: '2025-03-03T09:00:00+07:00',
    feeAmount: 50000,
  });
  expect(res.status).toBe(201);
  const after = await dossierStreams();
  expect(after.length - before.length).toBe(1);
  expect(after).toContain(`dossier-${res.body.code}`);
  const view = await api.as(TOKENS.admin).get(`/api/dossiers/${res.body.code}`).expect(200);
  expect(view.body.history ?? view.body.events ?? []).toHaveLength(1);
});

it('a step whose answer stalls is recorded once and answered', async () => {
  const received = await api
    .as(TOKENS.clerkA)
    .post('/api/dossiers')
    .send({
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'online',
      onlineLevel: 'full',
      receivedAt: '2025-03-03T09:00:00+07:00',
      feeAmount: 50000,
    })
    .expect(201);
  proxy.stallAnswers(2_000);
  const res = await api
    .as(TOKENS.clerkA)
    .post(`/api/dossiers/${received.body.code}/events`)
    .send({ type: 'paid-offline', occurredAt: '2025-03-03T10:00:00+07:00', amount: 50000 });
  expect([200, 201]).toContain(res.status);
  let count = 0;
  for await (const _ of store.client.readStream(`dossier-${received.body.code}`)) count++;
  expect(count).toBe(2);
});

it('a connection lost with the answer on its way answers what happened, once', async () => {
  const before = await dossierStreams();
  proxy.cutNextAnswer();
  const res = await api.as(TOKENS.clerkA).post('/api/dossiers').send({
    unitId: 'SCT',
    procedureCode: 'P1',
    channel: 'in-person',
    receivedAt: '2025-03-04T09:00:00+07:00',
    feeAmount: 0,
  });
  expect(res.status).toBe(201);
  const after = await dossierStreams();
  expect(after.length - before.length).toBe(1);
});
