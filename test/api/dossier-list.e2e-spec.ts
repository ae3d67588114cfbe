import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData, testProcedure } from '../support/reference-data';

jest.setTimeout(60_000);

// GET /api/dossiers over the dossier-list.v2 read model, with the worker running in the API's process.
let api: ApiHarness;

const P1 = testProcedure({ name: 'Cấp giấy phép kinh doanh' });

type Item = {
  code: string;
  unitId: string;
  currentUnitId: string;
  status: string;
  dueAt: string;
  pastDue: boolean;
};
type Page = { items: Item[]; nextCursor: string | null; asOfPosition: string | null };

const ALL = ['SCT-L-1', 'HOIAN-L-1', 'SCT-L-2', 'SCT-L-3', 'SCT-L-4', 'HOIAN-L-2', 'SCT-L-5'];

async function receive(
  token: string,
  code: string,
  unitId: string,
  receivedAt: string,
  procedureCode = 'P1',
) {
  await api
    .as(token)
    .post('/api/dossiers')
    .send({ code, unitId, procedureCode, channel: 'in-person', receivedAt })
    .expect(201);
}
const step = (code: string, body: Record<string, unknown>, token: string = TOKENS.clerkA) =>
  api.as(token).post(`/api/dossiers/${code}/events`).send(body).expect(201);

async function list(token: string, query = ''): Promise<Page> {
  const res = await api.as(token).get(`/api/dossiers${query}`);
  expect(res.status).toBe(200);
  return res.body as Page;
}
const codes = (page: Page) => page.items.map((i) => i.code);

beforeAll(async () => {
  api = await startApi({ worker: { deadlines: false } });
  await putReferenceData(api, {
    P1,
    P2: { ...P1, name: 'Xác nhận', timeLimit: { value: 3, unit: 'working-days' } },
  });

  // Recorded out of list order on purpose: the list orders by receivedAt, then code.
  await receive(TOKENS.clerkA, 'SCT-L-5', 'SCT', '2025-03-10T09:00:00+07:00');
  await receive(TOKENS.clerkA, 'SCT-L-1', 'SCT', '2025-03-03T09:00:00+07:00'); // due 17/3 09:00
  await receive(TOKENS.clerkA, 'SCT-L-3', 'SCT', '2025-03-04T09:00:00+07:00');
  await receive(TOKENS.clerkA, 'SCT-L-2', 'SCT', '2025-03-04T09:00:00+07:00'); // due 18/3 09:00
  await receive(TOKENS.clerkA, 'SCT-L-4', 'SCT', '2025-03-05T09:00:00+07:00', 'P2'); // due 10/3 09:00
  await receive(TOKENS.clerkB, 'HOIAN-L-1', 'HOIAN', '2025-03-03T10:00:00+07:00'); // due 17/3 10:00
  await receive(TOKENS.clerkB, 'HOIAN-L-2', 'HOIAN', '2025-03-06T10:00:00+07:00');
  await step('SCT-L-2', { type: 'transferred', occurredAt: '2025-03-05T10:00:00+07:00', toUnitId: 'HOIAN' });
  await step('SCT-L-3', { type: 'processed', occurredAt: '2025-03-06T10:00:00+07:00', outcome: 'approved' });
  await step('SCT-L-5', {
    type: 'supplement-requested',
    occurredAt: '2025-03-11T10:00:00+07:00',
    reason: 'thiếu',
  });
  await api.waitForProjections();
});

afterAll(async () => {
  await api?.close();
});

afterEach(() => api.clock.reset());

describe('GET /api/dossiers', () => {
  it('lists every dossier for the reform office, by received instant then code, with the derived state', async () => {
    const page = await list(TOKENS.reform);
    expect(codes(page)).toEqual(ALL);
    expect(page.nextCursor).toBeNull();
    expect(page.asOfPosition).toMatch(/^\d+$/);
    expect(page.items.find((i) => i.code === 'SCT-L-2')).toMatchObject({
      unitId: 'SCT',
      currentUnitId: 'HOIAN',
    });
    expect(page.items.find((i) => i.code === 'SCT-L-1')).toMatchObject({
      status: 'received',
      dueAt: '2025-03-17T09:00:00.000+07:00',
    });
  });

  it("scopes clerks and supervisors to their units' dossiers (receiving or current unit)", async () => {
    expect(codes(await list(TOKENS.clerkB))).toEqual(['HOIAN-L-1', 'SCT-L-2', 'HOIAN-L-2']);
    expect(codes(await list(TOKENS.supervisorA))).toEqual([
      'SCT-L-1',
      'SCT-L-2',
      'SCT-L-3',
      'SCT-L-4',
      'SCT-L-5',
    ]);
    expect(codes(await list(TOKENS.reform, '?unitId=HOIAN'))).toEqual(['HOIAN-L-1', 'SCT-L-2', 'HOIAN-L-2']);
    const res = await api.as(TOKENS.clerkB).get('/api/dossiers?unitId=SCT');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_YOUR_UNIT');
    // An unknown unit is a 404 to everyone: not an empty page, nor another unit's.
    for (const token of [TOKENS.reform, TOKENS.clerkB]) {
      const unknown = await api.as(token).get('/api/dossiers?unitId=NOPE').expect(404);
      expect(unknown.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'unitId' } });
    }
    await api.as(TOKENS.reform).get('/api/alerts?unitId=NOPE').expect(404);
    await api.as(TOKENS.supervisorA).get('/api/alerts?unitId=HOIAN').expect(403);
    expect((await api.http.get('/api/dossiers')).status).toBe(401);
  });

  it('filters by status and by received range', async () => {
    expect(codes(await list(TOKENS.admin, '?status=processed'))).toEqual(['SCT-L-3']);
    expect(codes(await list(TOKENS.admin, '?status=awaiting-supplement'))).toEqual(['SCT-L-5']);
    expect(codes(await list(TOKENS.clerkB, '?unitId=HOIAN&status=received'))).toEqual([
      'HOIAN-L-1',
      'SCT-L-2',
      'HOIAN-L-2',
    ]);
    const range = `?receivedFrom=${encodeURIComponent('2025-03-04T00:00:00+07:00')}&receivedTo=${encodeURIComponent('2025-03-05T09:00:00+07:00')}`;
    expect(codes(await list(TOKENS.admin, range))).toEqual(['SCT-L-2', 'SCT-L-3', 'SCT-L-4']);
  });

  it('pages with a cursor in a stable order, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(TOKENS.admin, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...codes(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ALL);
    expect(pages).toBe(4);
    // Paging within a filter and a scope.
    const first = await list(TOKENS.supervisorA, '?status=received&limit=1');
    const second = await list(TOKENS.supervisorA, `?status=received&limit=1&cursor=${first.nextCursor}`);
    expect([...codes(first), ...codes(second)]).toEqual(['SCT-L-1', 'SCT-L-2']);
  });

  it('due=overdue: running dossiers past their effective due (a supplement request stops the clock)', async () => {
    api.clock.set('2025-03-12T12:00:00+07:00');
    const page = await list(TOKENS.admin, '?due=overdue');
    expect(codes(page)).toEqual(['SCT-L-4']);
    expect(page.items[0].pastDue).toBe(true);
    expect(codes(await list(TOKENS.clerkB, '?due=overdue'))).toEqual([]);
  });

  it('due=due-soon: effective due before the end of the next working day', async () => {
    api.clock.set('2025-03-14T12:00:00+07:00'); // Friday: the next working day is Monday 17/3
    expect(codes(await list(TOKENS.admin, '?due=due-soon'))).toEqual(['SCT-L-1', 'HOIAN-L-1']);
    expect(codes(await list(TOKENS.clerkB, '?due=due-soon'))).toEqual(['HOIAN-L-1']);
    expect(codes(await list(TOKENS.admin, '?due=due-soon&status=processed'))).toEqual([]);
  });

  it('shows a new step once the projection has folded it', async () => {
    await step('SCT-L-1', { type: 'processed', occurredAt: '2025-03-07T10:00:00+07:00', outcome: 'denied' });
    await api.waitForProjections();
    expect(codes(await list(TOKENS.admin, '?status=processed'))).toEqual(['SCT-L-1', 'SCT-L-3']);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['status=late', 'status'],
    ['due=tomorrow', 'due'],
    ['receivedFrom=2025-03-04', 'receivedFrom'],
    ['cursor=not-a-cursor!', 'cursor'],
    ['cursor=abc', 'cursor'],
    ['unitId=' + encodeURIComponent('bad unit'), 'unitId'],
    ['color=red', 'color'],
    ['receivedFrom=2025-03-05T00:00:00Z&receivedTo=2025-03-04T00:00:00Z', 'receivedTo'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await api.as(TOKENS.admin).get(`/api/dossiers?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((res.body.error.details as { field: string }[]).map((d) => d.field)).toContain(field);
  });
});

describe('GET /api/health', () => {
  it("reports each projection's checkpoint and lag to a token holder", async () => {
    await api.waitForProjections();
    const res = await api.as(TOKENS.reform).get('/api/health').expect(200);
    const list = (
      res.body.projections as { name: string; lag: number; checkpoint: string; runner?: string }[]
    ).find((p) => p.name === 'dossier-list.v2');
    expect(list).toMatchObject({ lag: 0, generation: 1, runner: 'live' });
    expect(list!.checkpoint).toMatch(/^\d+$/);
  });
});
