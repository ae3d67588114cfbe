import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData, testProcedure } from '../support/reference-data';

jest.setTimeout(60_000);

let api: ApiHarness;

const P1 = testProcedure({ name: 'Cấp giấy phép kinh doanh', feeRequired: true });

beforeAll(async () => {
  api = await startApi();
  await putReferenceData(api, {
    P1,
    P2: {
      ...P1,
      name: 'Xác nhận',
      feeRequired: false,
      onlineLevel: 'none',
      timeLimit: { value: 3, unit: 'working-days' },
    },
  });
});

afterAll(async () => {
  await api?.close();
});

const clerk = () => api.as(TOKENS.clerkA);

async function receive(overrides: Record<string, unknown> = {}) {
  const res = await clerk()
    .post('/api/dossiers')
    .send({
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'online',
      onlineLevel: 'full',
      receivedAt: '2025-03-03T09:00:00+07:00',
      feeAmount: 50000,
      ...overrides,
    });
  expect(res.status).toBe(201);
  return res.body as { code: string; dueAt: string; status: string; revision: number };
}

const step = (code: string, body: Record<string, unknown>, token: string = TOKENS.clerkA) =>
  api.as(token).post(`/api/dossiers/${code}/events`).send(body);

async function streamLength(code: string): Promise<number> {
  const res = await api.as(TOKENS.admin).get(`/api/dossiers/${code}`);
  return res.status === 404 ? 0 : (res.body.history as unknown[]).length;
}

describe('a dossier life through the HTTP API', () => {
  it('receives a dossier with a generated code and a due date over the working-day calendar', async () => {
    const d = await receive();
    expect(d.code).toMatch(/^SCT-250303-\d{4}$/);
    // 10 working days from Monday 3 March 2025, 09:00.
    expect(d.dueAt).toBe('2025-03-17T09:00:00.000+07:00');
    expect(d).toMatchObject({ status: 'received', revision: 0 });
  });

  it('records every step and shows state and history with actor and time', async () => {
    const { code } = await receive({ code: 'SCT-LIFE-1' });
    const steps = [
      {
        type: 'input-digitized',
        occurredAt: '2025-03-03T09:10:00+07:00',
        reused: true,
        fromPersonalStore: true,
      },
      { type: 'supplement-requested', occurredAt: '2025-03-04T10:00:00+07:00', reason: 'thiếu bản sao' },
      { type: 'supplement-received', occurredAt: '2025-03-06T10:00:00+07:00' },
      { type: 'processed', occurredAt: '2025-03-12T15:00:00+07:00', outcome: 'approved' },
      { type: 'result-issued-electronically', occurredAt: '2025-03-12T15:05:00+07:00' },
      { type: 'paid-online', occurredAt: '2025-03-12T16:00:00+07:00', amount: 50000, gateway: 'national' },
      { type: 'result-returned', occurredAt: '2025-03-13T08:00:00+07:00' },
      { type: 'satisfaction-rated', occurredAt: '2025-03-13T08:05:00+07:00', satisfied: true },
      { type: 'synced', occurredAt: '2025-03-13T08:10:00+07:00' },
    ];
    let revision = 0;
    for (const s of steps) {
      const res = await step(code, s);
      expect(res.status).toBe(201);
      expect(res.body.revision).toBeGreaterThan(revision);
      revision = res.body.revision;
    }
    const res = await clerk().get(`/api/dossiers/${code}`).expect(200);
    expect(res.body).toMatchObject({
      code,
      status: 'returned',
      dueAt: '2025-03-17T09:00:00.000+07:00',
      rescheduledDueAt: null,
      overdue: false,
      finishedAt: '2025-03-12T15:00:00+07:00',
      onTime: true,
      rating: { satisfied: true },
      synced: true,
    });
    expect(res.body.supplement.requests).toBe(1);
    expect(res.body.supplement.totalMs).toBe(2 * 24 * 3600_000);
    expect(res.body.history).toHaveLength(steps.length + 1);
    expect(res.body.history[0]).toMatchObject({ type: 'DossierReceived', actor: 'clerk-a', role: 'clerk' });
    expect(res.body.history[4]).toMatchObject({
      type: 'DossierProcessed',
      occurredAt: '2025-03-12T15:00:00+07:00',
    });
    expect(typeof res.body.history[4].recordedAt).toBe('string');
  });

  it('lets a supervisor issue an apology in time, keeping the original due date', async () => {
    const { code, dueAt } = await receive({ code: 'SCT-APOLOGY-1' });
    const bad = await step(code, {
      type: 'apology-issued',
      occurredAt: '2025-03-10T09:00:00+07:00',
      reason: 'chờ ý kiến liên ngành',
      newDueAt: '2025-03-24T09:00:00+07:00',
      signedBy: 'Giám đốc Sở',
    });
    expect(bad.status).toBe(403);
    // One rule for clerks and admins alike (issue 12: the handler let an admin through, the decider refused).
    const byAdmin = await step(
      code,
      {
        type: 'apology-issued',
        occurredAt: '2025-03-10T09:00:00+07:00',
        reason: 'chờ ý kiến liên ngành',
        newDueAt: '2025-03-24T09:00:00+07:00',
        signedBy: 'Giám đốc Sở',
      },
      TOKENS.admin,
    );
    expect(byAdmin.status).toBe(403);
    expect(bad.body.error).toMatchObject({ code: 'APOLOGY_NOT_BY_SUPERVISOR', details: { role: 'clerk' } });
    expect(byAdmin.body.error).toEqual({ ...bad.body.error, details: { role: 'admin' } });
    const ok = await step(
      code,
      {
        type: 'apology-issued',
        occurredAt: '2025-03-10T09:00:00+07:00',
        reason: 'chờ ý kiến liên ngành',
        newDueAt: '2025-03-24T09:00:00+07:00',
        signedBy: 'Giám đốc Sở',
      },
      TOKENS.supervisorA,
    );
    expect(ok.status).toBe(201);
    const res = await clerk().get(`/api/dossiers/${code}`).expect(200);
    expect(res.body.dueAt).toBe(dueAt);
    expect(res.body.rescheduledDueAt).toBe('2025-03-24T09:00:00+07:00');
    const second = await step(
      code,
      {
        type: 'apology-issued',
        occurredAt: '2025-03-11T09:00:00+07:00',
        reason: 'lần nữa',
        newDueAt: '2025-03-28T09:00:00+07:00',
        signedBy: 'Giám đốc Sở',
      },
      TOKENS.supervisorA,
    );
    expect([409, 422]).toContain(second.status);
  });
});

describe('the working-day calendar', () => {
  it('applies a calendar change to dossiers received after it; earlier ones keep their due date', async () => {
    const before = await receive({ code: 'SCT-CAL-1', receivedAt: '2025-06-02T09:00:00+07:00' });
    expect(before.dueAt).toBe('2025-06-16T09:00:00.000+07:00');
    // A local day off on Wednesday 4 June 2025.
    await api
      .as(TOKENS.admin)
      .put('/api/calendar/2025')
      .send({ holidays: ['2025-06-04'], workingDays: [] })
      .expect(200);
    const after = await receive({ code: 'SCT-CAL-2', receivedAt: '2025-06-02T09:00:00+07:00' });
    expect(after.dueAt).toBe('2025-06-17T09:00:00.000+07:00');
    // And a swapped working Saturday, 14 June: the due date comes back a day.
    await api
      .as(TOKENS.admin)
      .put('/api/calendar/2025')
      .send({ holidays: ['2025-06-04'], workingDays: ['2025-06-14'] })
      .expect(200);
    const swapped = await receive({ code: 'SCT-CAL-3', receivedAt: '2025-06-02T09:00:00+07:00' });
    expect(swapped.dueAt).toBe('2025-06-16T09:00:00.000+07:00');
    const res = await clerk().get('/api/dossiers/SCT-CAL-1').expect(200);
    expect(res.body.dueAt).toBe(before.dueAt);
    expect(res.body.calendarVersion).not.toBe(
      (await clerk().get('/api/dossiers/SCT-CAL-2')).body.calendarVersion,
    );
    const bad = await api
      .as(TOKENS.admin)
      .put('/api/calendar/2025')
      .send({ holidays: ['2025-02-30'], workingDays: [] });
    expect(bad.status).toBe(400);
  });
});

describe('refusals append nothing', () => {
  it('answers 400 naming each bad field', async () => {
    const res = await clerk()
      .post('/api/dossiers')
      .send({ procedureCode: 'P1', channel: 'fax', receivedAt: '2025-03-03 09:00', feeAmount: -1, extra: 1 })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['channel', 'extra', 'feeAmount', 'receivedAt', 'unitId']);
  });

  it('refuses an online dossier without its level, an unknown step type, and fields of another type', async () => {
    const a = await clerk()
      .post('/api/dossiers')
      .send({
        unitId: 'SCT',
        procedureCode: 'P1',
        channel: 'online',
        receivedAt: '2025-03-03T09:00:00+07:00',
      })
      .expect(400);
    expect(a.body.error.details.map((d: { field: string }) => d.field)).toEqual(['onlineLevel']);
    const { code } = await receive({ code: 'SCT-REFUSE-1' });
    const b = await step(code, { type: 'approved', occurredAt: '2025-03-04T09:00:00+07:00' }).expect(400);
    expect(b.body.error.details[0].field).toBe('type');
    const c = await step(code, {
      type: 'synced',
      occurredAt: '2025-03-04T09:00:00+07:00',
      outcome: 'approved',
    }).expect(400);
    expect(c.body.error.details[0].field).toBe('outcome');
    const d = await step(code, { type: 'processed', occurredAt: '2025-03-04T09:00:00+07:00' }).expect(400);
    expect(d.body.error.details[0].field).toBe('outcome');
    expect(await streamLength(code)).toBe(1);
  });

  it('answers malformed JSON and oversized bodies with the error shape, never a 500', async () => {
    const bad = await api.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${TOKENS.clerkA}`)
      .set('Content-Type', 'application/json')
      .send('{"unitId": ')
      .expect(400);
    expect(bad.body.error.code).toBe('MALFORMED_JSON');
    const big = await clerk()
      .post('/api/dossiers')
      .send({ unitId: 'SCT', filler: 'x'.repeat(300_000) })
      .expect(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses steps out of order (409) and rule breaks (422)', async () => {
    const { code } = await receive({
      code: 'SCT-ORDER-1',
      feeAmount: 0,
      procedureCode: 'P2',
      channel: 'in-person',
      onlineLevel: undefined,
    });
    const early = await step(code, { type: 'result-returned', occurredAt: '2025-03-04T09:00:00+07:00' });
    expect(early.status).toBe(409);
    const pay = await step(code, {
      type: 'paid-online',
      occurredAt: '2025-03-04T09:00:00+07:00',
      amount: 1000,
      gateway: 'national',
    });
    expect(pay.status).toBe(422);
    const before = await step(code, { type: 'synced', occurredAt: '2025-03-01T09:00:00+07:00' });
    expect(before.status).toBe(422);
    const future = await step(code, { type: 'synced', occurredAt: '2099-01-01T09:00:00+07:00' });
    expect(future.status).toBe(422);
    await step(code, { type: 'withdrawn', occurredAt: '2025-03-04T09:00:00+07:00' }).expect(201);
    const after = await step(code, {
      type: 'processed',
      occurredAt: '2025-03-05T09:00:00+07:00',
      outcome: 'approved',
    });
    expect(after.status).toBe(409);
    expect(after.body.error).toEqual(
      expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    );
    expect(await streamLength(code)).toBe(2);
  });

  it('refuses a procedure the unit does not handle, and an unknown procedure, with 422', async () => {
    await api
      .as(TOKENS.admin)
      .put('/api/units/OTHER')
      .send({ name: 'Sở khác', level: 'department' })
      .expect(200);
    const unknown = await clerk().post('/api/dossiers').send({
      unitId: 'SCT',
      procedureCode: 'NOPE',
      channel: 'in-person',
      receivedAt: '2025-03-03T09:00:00+07:00',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('PROCEDURE_NOT_FOUND');
  });

  it('refuses a catalogue entry naming a unit that does not exist with 404, appending nothing', async () => {
    const commune = await api
      .as(TOKENS.admin)
      .put('/api/units/X_ORPHAN')
      .send({ name: 'Xã mồ côi', level: 'commune', parentId: 'NO_DISTRICT' })
      .expect(404);
    expect(commune.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'parentId' } });
    const procedure = await api
      .as(TOKENS.admin)
      .put('/api/procedures/P_ORPHAN')
      .send({
        name: 'Thủ tục',
        units: ['SCT', 'NO_UNIT'],
        timeLimit: { value: 5, unit: 'working-days' },
        onlineLevel: 'full',
        feeRequired: false,
        requiresWrittenResult: true,
      })
      .expect(404);
    expect(procedure.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'units' } });
    const units = (await api.as(TOKENS.admin).get('/api/units').expect(200)).body as { unitId: string }[];
    expect(units.map((u) => u.unitId)).not.toContain('X_ORPHAN');
    const procedures = (await api.as(TOKENS.admin).get('/api/procedures').expect(200)).body as {
      code: string;
    }[];
    expect(procedures.map((p) => p.code)).not.toContain('P_ORPHAN');
  });
});

describe('the step types', () => {
  it('serves every step type with its labels and fields, as the step modules declare them', async () => {
    const res = await clerk().get('/api/step-types').expect(200);
    const types = res.body.steps.map((s: { type: string }) => s.type);
    expect(types).toHaveLength(16);
    expect(types).toContain('correction-recorded');
    const processed = res.body.steps.find((s: { type: string }) => s.type === 'processed');
    expect(processed).toMatchObject({
      event: 'DossierProcessed',
      labels: { vi: 'Đã xử lý xong', en: 'processed' },
      fields: { outcome: { kind: 'enum', required: true, values: ['approved', 'denied'] } },
      form: true,
      finishes: 'processed',
    });
    expect(res.body.events.DossierReceived).toEqual({ vi: 'Tiếp nhận hồ sơ', en: 'received' });
    await api.http.get('/api/step-types').expect(401);
  });
});

describe('who may do what', () => {
  it('answers 401 without or with an unknown token', async () => {
    await api.http.get('/api/units').expect(401);
    await api.http.get('/api/units').set('Authorization', 'Bearer nope-nope-nope-nope').expect(401);
  });

  it('keeps clerks and supervisors to their own units and the reform office read-only', async () => {
    const { code } = await receive({ code: 'SCT-ACCESS-1' });
    // Another unit's dossier answers exactly as one that does not exist (issue 12: 403 vs 404).
    const asUnknown = async (path: string, send?: object) => {
      const req = (c: string) =>
        send
          ? api.as(TOKENS.clerkB).post(path.replace('{code}', c)).send(send)
          : api.as(TOKENS.clerkB).get(path.replace('{code}', c));
      const [theirs, none] = [await req(code), await req('SCT-NOWHERE-1')];
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual({
        error: { ...none.body.error, message: none.body.error.message.replace('SCT-NOWHERE-1', code) },
      });
    };
    await asUnknown('/api/dossiers/{code}');
    await asUnknown('/api/dossiers/{code}/events', {
      type: 'synced',
      occurredAt: '2025-03-04T09:00:00+07:00',
    });
    await asUnknown('/api/dashboard/dossiers/{code}/explain');
    await api
      .as(TOKENS.clerkB)
      .post('/api/dossiers')
      .send({
        unitId: 'SCT',
        procedureCode: 'P1',
        channel: 'in-person',
        receivedAt: '2025-03-03T09:00:00+07:00',
      })
      .expect(403);
    // A unit that does not exist is a 404, not another unit's (403), in the body and in a step's field.
    const unknownUnit = await api
      .as(TOKENS.clerkB)
      .post('/api/dossiers')
      .send({
        unitId: 'NOPE',
        procedureCode: 'P1',
        channel: 'in-person',
        receivedAt: '2025-03-03T09:00:00+07:00',
      })
      .expect(404);
    expect(unknownUnit.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'unitId' } });
    const toNowhere = await step(code, {
      type: 'transferred',
      occurredAt: '2025-03-04T09:00:00+07:00',
      toUnitId: 'NOPE',
    }).expect(404);
    expect(toNowhere.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'toUnitId' } });
    await api.as(TOKENS.reform).get(`/api/dossiers/${code}`).expect(200);
    await step(code, { type: 'synced', occurredAt: '2025-03-04T09:00:00+07:00' }, TOKENS.reform).expect(403);
    // Their own unit's supervisor signs apologies and records no other step.
    const bySupervisor = await step(
      code,
      { type: 'processed', occurredAt: '2025-03-04T09:00:00+07:00', outcome: 'approved' },
      TOKENS.supervisorA,
    ).expect(403);
    expect(bySupervisor.body.error).toMatchObject({
      code: 'STEP_NOT_BY_SUPERVISOR',
      details: { type: 'processed' },
    });
    await api.as(TOKENS.clerkA).put('/api/units/X1').send({ name: 'x', level: 'commune' }).expect(403);
    expect(await streamLength(code)).toBe(1);
  });

  it('answers 404 for an unknown dossier', async () => {
    const res = await clerk().get('/api/dossiers/NO-SUCH-CODE').expect(404);
    expect(res.body.error.code).toBe('DOSSIER_NOT_FOUND');
    await step('NO-SUCH-CODE', { type: 'synced', occurredAt: '2025-03-04T09:00:00+07:00' }).expect(404);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first answer to a repeat and appends nothing; another body with the key is a 422', async () => {
    const body = {
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'in-person',
      receivedAt: '2025-03-05T09:00:00+07:00',
    };
    const first = await clerk().post('/api/dossiers').set('Idempotency-Key', 'rcv-1').send(body).expect(201);
    const again = await clerk().post('/api/dossiers').set('Idempotency-Key', 'rcv-1').send(body).expect(201);
    expect(again.body).toEqual(first.body);
    const other = await clerk()
      .post('/api/dossiers')
      .set('Idempotency-Key', 'rcv-1')
      .send({ ...body, receivedAt: '2025-03-05T10:00:00+07:00' })
      .expect(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const s = { type: 'input-digitized', occurredAt: '2025-03-05T09:30:00+07:00' };
    const a = await step(first.body.code, s).set('Idempotency-Key', 'dig-1').expect(201);
    const b = await step(first.body.code, s).set('Idempotency-Key', 'dig-1').expect(201);
    expect(b.body).toEqual(a.body);
    expect(await streamLength(first.body.code)).toBe(2);
  });

  it('still appends one event when the remembered answer is lost (event ids derive from the key)', async () => {
    const { code } = await receive({ code: 'SCT-IDEM-2' });
    const s = { type: 'synced', occurredAt: '2025-03-05T09:30:00+07:00' };
    await step(code, s).set('Idempotency-Key', 'sync-2').expect(201);
    const { Redis } = await import('ioredis');
    const redis = new Redis(api.env.REDIS_URL);
    const keys = await redis.keys(`${api.env.REDIS_KEY_PREFIX}idem:*sync-2`);
    expect(keys).toHaveLength(1);
    await redis.del(...keys);
    await redis.quit();
    await step(code, s).set('Idempotency-Key', 'sync-2').expect(201);
    expect(await streamLength(code)).toBe(2);
  });

  it('remembers no refusal: a refused or invalid request with a key is refused again, not held as running', async () => {
    const { code } = await receive({ code: 'SCT-IDEM-3' });
    const invalid = { type: 'processed', occurredAt: 'yesterday', outcome: 'approved' };
    for (let i = 0; i < 2; i++) {
      const res = await step(code, invalid).set('Idempotency-Key', 'bad-1').expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const early = { type: 'result-returned', occurredAt: '2025-03-04T09:00:00+07:00' };
    for (let i = 0; i < 2; i++) await step(code, early).set('Idempotency-Key', 'early-1').expect(409);
    expect(await streamLength(code)).toBe(1);
    // Once the step is legal, the same key runs it.
    await step(code, {
      type: 'processed',
      occurredAt: '2025-03-04T08:00:00+07:00',
      outcome: 'approved',
    }).expect(201);
    await step(code, early).set('Idempotency-Key', 'early-1').expect(201);
    expect(await streamLength(code)).toBe(3);
  });

  it('runs concurrent copies of one request once: one append, the same answer to every copy', async () => {
    const body = {
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'in-person',
      receivedAt: '2025-03-06T09:00:00+07:00',
    };
    const receipts = await Promise.all(
      Array.from({ length: 8 }, () =>
        clerk().post('/api/dossiers').set('Idempotency-Key', 'rcv-many').send(body),
      ),
    );
    for (const r of receipts) expect(r.status).toBe(201);
    const { code } = receipts[0].body as { code: string };
    for (const r of receipts) expect(r.body).toEqual(receipts[0].body);
    const s = { type: 'processed', occurredAt: '2025-03-06T10:00:00+07:00', outcome: 'approved' };
    const steps = await Promise.all(
      Array.from({ length: 8 }, () => step(code, s).set('Idempotency-Key', 'proc-many')),
    );
    for (const r of steps) expect(r.status).toBe(201);
    for (const r of steps) expect(r.body).toEqual(steps[0].body);
    expect(await streamLength(code)).toBe(2);
  });
});

describe('concurrent writers on one dossier', () => {
  it('loses and duplicates nothing', async () => {
    const { code } = await receive({ code: 'SCT-CONC-1' });
    const kinds = [
      { type: 'input-digitized', occurredAt: '2025-03-03T09:05:00+07:00' },
      { type: 'synced', occurredAt: '2025-03-03T09:06:00+07:00' },
      { type: 'payment-requested', occurredAt: '2025-03-03T09:07:00+07:00', amount: 20000 },
      { type: 'paid-offline', occurredAt: '2025-03-03T09:08:00+07:00', amount: 50000 },
      { type: 'transferred', occurredAt: '2025-03-03T09:09:00+07:00', toUnitId: 'HOIAN' },
      { type: 'supplement-requested', occurredAt: '2025-03-03T09:10:00+07:00', reason: 'thiếu giấy tờ' },
    ];
    const results = await Promise.all(kinds.map((k) => step(code, k)));
    const created = results.filter((r) => r.status === 201).length;
    for (const r of results) expect([201, 409, 422]).toContain(r.status);
    expect(await streamLength(code)).toBe(1 + created);
    const history = (await api.as(TOKENS.admin).get(`/api/dossiers/${code}`)).body.history as {
      revision: number;
    }[];
    expect(history.map((h) => h.revision)).toEqual(history.map((_, i) => i));
  });
});
