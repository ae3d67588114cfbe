import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData, testProcedure } from '../support/reference-data';

// The scorecard keeps the reference inputs it read (units, procedures, publication items with their
// deadlines) between requests: each change to the catalogue, a publication decision or the calendar must
// show in the next scorecard, as must new dossiers, and each request's asOf is its own.
jest.setTimeout(90_000);

let api: ApiHarness;
const admin = () => api.as(TOKENS.admin);
const ASOF = '2025-07-01T00:00:00+07:00';
// The shipped 2025 overrides, which a PUT of the year replaces.
const SHIPPED_2025 = {
  holidays: ['2025-01-27', '2025-05-02', '2025-09-01'],
  workingDays: ['2025-02-03', '2025-04-26'],
};

type Criterion = { id: string; numerator: number | null; denominator: number | null };

/** SCT's criteria in 2025-Q2 as of `asOf`, by id. */
async function criteria(asOf = ASOF): Promise<Map<string, Criterion>> {
  const res = await api
    .as(TOKENS.reform)
    .get(`/api/scorecards?period=2025-Q2&level=department&asOf=${encodeURIComponent(asOf)}`)
    .expect(200);
  const sct = res.body.units.find((u: { unitId: string }) => u.unitId === 'SCT');
  return new Map(
    sct.groups.flatMap((g: { criteria: Criterion[] }) => g.criteria.map((c) => [c.id, c] as const)),
  );
}

/** Polls until `check` holds for SCT's criteria (the reference data reaches the reader through its feed). */
async function eventually(check: (c: Map<string, Criterion>) => boolean, asOf = ASOF): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const c = await criteria(asOf);
    if (check(c)) return;
    if (Date.now() > deadline) throw new Error(`not seen: ${JSON.stringify([...c.values()])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** In force from before the period (a procedure defined now would not be in its catalogue). */
const procedure = (over: Record<string, unknown> = {}) =>
  testProcedure({ effectiveFrom: '2025-01-01T00:00:00+07:00', ...over });
const ratio = (c: Map<string, Criterion>, id: string) => [c.get(id)!.numerator, c.get(id)!.denominator];

beforeAll(async () => {
  api = await startApi({ worker: true });
  await putReferenceData(api, { P1: procedure() });
});

afterAll(async () => {
  await api?.close();
});

describe('the scorecard after reference data or facts change', () => {
  it('counts a new procedure, a decision, an item made public and a calendar change', async () => {
    await eventually((c) => c.get('3.1')!.denominator === 1);
    // A second procedure of SCT: 3.1's denominator follows.
    await admin()
      .put('/api/procedures/P2')
      .send(procedure({ onlineLevel: 'none' }))
      .expect(200);
    await eventually((c) => ratio(c, '3.1').join() === '1,2');
    // A publication decision of Monday 2 June 2025 (made public by Monday 9 June), not made public yet.
    await admin()
      .put('/api/publications/QD1')
      .send({
        decisionNo: '1/QĐ-UBND',
        decidedOn: '2025-06-02',
        basisEffectiveOn: '2025-07-15',
        items: [{ procedureCode: 'P1', change: 'amended' }],
      })
      .expect(200);
    await eventually((c) => ratio(c, '1.2').join() === '0,1');
    // Made public on Tuesday 10 June: a working day late.
    await admin()
      .post('/api/publications/QD1/made-public')
      .send({ procedureCode: 'P1', madePublicOn: '2025-06-10' })
      .expect(201);
    await eventually((c) => ratio(c, '1.3').join() === '0,1' && ratio(c, '1.2').join() === '0,1');
    // Before its deadline the item was still on time: each request is judged at its own asOf.
    expect(ratio(await criteria('2025-06-05T12:00:00+07:00'), '1.2')).toEqual([1, 1]);
    expect(ratio(await criteria(), '1.2')).toEqual([0, 1]);
    // Wednesday 4 June becomes a day off: the deadline moves to 10 June and the item is on time.
    await admin()
      .put('/api/calendar/2025')
      .send({ holidays: [...SHIPPED_2025.holidays, '2025-06-04'], workingDays: SHIPPED_2025.workingDays })
      .expect(200);
    await eventually((c) => ratio(c, '1.2').join() === '1,1');
  });

  it('counts a dossier received after the last scorecard', async () => {
    const before = (await criteria()).get('1.4')!.denominator!;
    await api
      .as(TOKENS.clerkA)
      .post('/api/dossiers')
      .send({
        unitId: 'SCT',
        procedureCode: 'P1',
        channel: 'online',
        onlineLevel: 'full',
        receivedAt: '2025-05-05T09:00:00+07:00',
        feeAmount: 0,
      })
      .expect(201);
    await api.waitForProjections();
    expect((await criteria()).get('1.4')!.denominator).toBe(before + 1);
  });
});
