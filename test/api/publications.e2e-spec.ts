import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(60_000);

// Publication decisions (PUT /api/publications/{id}, POST …/made-public, GET /api/publications) and the v2
// catalogue fields: procedures' forCitizens and publicComponents, units' electronicCertifiedCopySince,
// receipts' identifiedThrough.
let api: ApiHarness;
const admin = () => api.as(TOKENS.admin);

const DECISION = {
  decisionNo: '12/QĐ-UBND',
  decidedOn: '2025-01-20',
  basisEffectiveOn: '2025-02-10',
  items: [
    { procedureCode: 'P1', change: 'new' },
    { procedureCode: 'P2', change: 'abolished' },
  ],
};

async function streamLength(stream: string): Promise<number> {
  let n = 0;
  for await (const _ of api.eventStore.client.readStream(stream)) n++;
  return n;
}

beforeAll(async () => {
  api = await startApi();
  await admin().put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
});

afterAll(async () => {
  await api?.close();
});

describe('publication decisions', () => {
  it('records a decision and shows each item with its 1.1 and 1.2 verdicts', async () => {
    const put = await admin().put('/api/publications/QD12').send(DECISION).expect(200);
    expect(put.body).toMatchObject({ publicationId: 'QD12', decidedOn: '2025-01-20' });
    await admin()
      .post('/api/publications/QD12/made-public')
      .send({ procedureCode: 'P1', madePublicOn: '2025-01-22' })
      .expect(201);
    const list = await api
      .as(TOKENS.clerkA)
      .get('/api/publications?from=2025-01-01&to=2025-12-31')
      .expect(200);
    expect(list.body).toEqual([
      {
        publicationId: 'QD12',
        decisionNo: '12/QĐ-UBND',
        decidedOn: '2025-01-20',
        basisEffectiveOn: '2025-02-10',
        items: [
          {
            procedureCode: 'P1',
            change: 'new',
            madePublicOn: '2025-01-22',
            madePublicBy: '2025-02-03', // 5 working days after 20/1 across Tết 2025
            decidedOnTime: true, // 10/2 − 5 working days = 3/2
            madePublicOnTime: true,
          },
          {
            procedureCode: 'P2',
            change: 'abolished',
            madePublicOn: null,
            madePublicBy: '2025-02-03',
            decidedOnTime: true,
            madePublicOnTime: false, // never made public, its deadline long past
          },
        ],
      },
    ]);
    expect((await api.as(TOKENS.reform).get('/api/publications?to=2024-12-31').expect(200)).body).toEqual([]);
  });

  it('refuses bad input with 400 naming the fields, rule breaks with 422, conflicts with 409, others with 403', async () => {
    const bad = await admin()
      .put('/api/publications/QD99')
      .send({ decisionNo: '', decidedOn: '2025-02-30', items: [{ procedureCode: 'P1', change: 'renamed' }] })
      .expect(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    for (const f of ['decisionNo', 'decidedOn', 'basisEffectiveOn']) expect(fields).toContain(f);
    expect(fields.some((f: string) => f.startsWith('items'))).toBe(true);
    await admin()
      .post('/api/publications/QD12/made-public')
      .send({ procedureCode: 'P1', madePublicOn: '22/01/2025' })
      .expect(400);
    // The list's range takes real days only, as every date does.
    const badRange = await admin().get('/api/publications?from=2024-02-30&to=2024-13-01').expect(400);
    expect(badRange.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['from', 'to']);
    const notItem = await admin()
      .post('/api/publications/QD12/made-public')
      .send({ procedureCode: 'P9', madePublicOn: '2025-01-22' })
      .expect(422);
    expect(notItem.body.error.code).toBe('NOT_AN_ITEM');
    const again = await admin()
      .post('/api/publications/QD12/made-public')
      .send({ procedureCode: 'P1', madePublicOn: '2025-01-23' })
      .expect(409);
    expect(again.body.error.code).toBe('ALREADY_MADE_PUBLIC');
    await admin()
      .post('/api/publications/NOPE/made-public')
      .send({ procedureCode: 'P1', madePublicOn: '2025-01-23' })
      .expect(404);
    const dropped = await admin()
      .put('/api/publications/QD12')
      .send({ ...DECISION, items: [DECISION.items[1]] })
      .expect(409);
    expect(dropped.body.error.code).toBe('MADE_PUBLIC_ITEM_REMOVED');
    await api.as(TOKENS.clerkA).put('/api/publications/QD13').send(DECISION).expect(403);
    expect(await streamLength('publication-QD12')).toBe(2);
  });

  it('an Idempotency-Key repeat returns the first answer and appends nothing', async () => {
    const body = { procedureCode: 'P2', madePublicOn: '2025-01-24' };
    const first = await admin()
      .post('/api/publications/QD12/made-public')
      .set('Idempotency-Key', 'pub-1')
      .send(body)
      .expect(201);
    const repeat = await admin()
      .post('/api/publications/QD12/made-public')
      .set('Idempotency-Key', 'pub-1')
      .send(body)
      .expect(201);
    expect(repeat.body).toEqual(first.body);
    expect(await streamLength('publication-QD12')).toBe(3);
    await admin().put('/api/publications/QD12').send(DECISION).expect(200); // the same facts: nothing new
    expect(await streamLength('publication-QD12')).toBe(3);
  });
});

describe('catalogue and receipt fields of method v2', () => {
  it('keeps forCitizens, publicComponents, electronicCertifiedCopySince and identifiedThrough, refusing bad values', async () => {
    const unit = await admin()
      .put('/api/units/XA1')
      .send({ name: 'Xã Một', level: 'commune', electronicCertifiedCopySince: '2025-03-01' })
      .expect(200);
    expect(unit.body.electronicCertifiedCopySince).toBe('2025-03-01');
    const cleared = await admin()
      .put('/api/units/XA1')
      .send({ name: 'Xã Một', level: 'commune', electronicCertifiedCopySince: null })
      .expect(200);
    expect(cleared.body.electronicCertifiedCopySince).toBeUndefined();
    const badUnit = await admin()
      .put('/api/units/XA1')
      .send({ name: 'Xã Một', level: 'commune', electronicCertifiedCopySince: '2025-13-01' })
      .expect(400);
    expect(badUnit.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'electronicCertifiedCopySince',
    ]);
    const procedure = {
      name: 'Cấp phép',
      units: ['SCT'],
      timeLimit: { value: 5, unit: 'working-days' },
      onlineLevel: 'full',
      feeRequired: false,
      requiresWrittenResult: true,
    };
    const p = await admin()
      .put('/api/procedures/P1')
      .send({ ...procedure, forCitizens: false, publicComponents: ['steps', 'name'] })
      .expect(200);
    expect(p.body).toMatchObject({ forCitizens: false, publicComponents: ['name', 'steps'] });
    const badProc = await admin()
      .put('/api/procedures/P1')
      .send({ ...procedure, forCitizens: 'yes', publicComponents: ['fee'] })
      .expect(400);
    expect(badProc.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'forCitizens',
      'publicComponents',
    ]);
    const receipt = {
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'in-person',
      receivedAt: '2025-03-05T09:00:00+07:00',
    };
    await api
      .as(TOKENS.clerkA)
      .post('/api/dossiers')
      .send({ ...receipt, code: 'ID-1', identifiedThrough: 'vneid' })
      .expect(201);
    const bad = await api
      .as(TOKENS.clerkA)
      .post('/api/dossiers')
      .send({ ...receipt, identifiedThrough: 'passport' })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['identifiedThrough']);
    const events = [];
    for await (const r of api.eventStore.client.readStream('dossier-ID-1')) events.push(r.event);
    expect(events[0]?.data).toMatchObject({ identifiedThrough: 'vneid' });
  });
});
