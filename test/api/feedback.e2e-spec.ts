import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData, testProcedure } from '../support/reference-data';

jest.setTimeout(60_000);

// Feedback (PAKN) through the HTTP API: receipt with its deadlines, the steps, the refusals, access by the
// unit holding the item, Idempotency-Key, and the feedback-list read model.
let api: ApiHarness;

const P1 = testProcedure({ name: 'Cấp giấy phép kinh doanh' });
const RECEIVED = '2025-03-03T09:00:00+07:00';
const body = (over: Record<string, unknown> = {}) => ({
  unitId: 'SCT',
  receivedAt: RECEIVED,
  channel: 'national-portal',
  about: 'procedure',
  procedureCode: 'P1',
  summary: 'Yêu cầu giấy tờ ngoài quy định',
  ...over,
});
const step = (id: string, b: Record<string, unknown>, token: string = TOKENS.clerkA) =>
  api.as(token).post(`/api/feedback/${id}/events`).send(b);

beforeAll(async () => {
  api = await startApi({ worker: { deadlines: false } });
  api.clock.set('2025-03-31T09:00:00+07:00');
  await putReferenceData(api, { P1 });
});
afterAll(() => api?.close());

describe('POST /api/feedback', () => {
  it('receives an item with its deadlines (2, 5, 15 working days)', async () => {
    const res = await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-1' }))
      .expect(201);
    expect(res.body).toEqual({
      id: 'FB-1',
      status: 'received',
      revision: 0,
      deadlines: {
        rejectOrForwardBy: '2025-03-05T09:00:00.000+07:00',
        informationRequestBy: '2025-03-10T09:00:00.000+07:00',
        answerBy: '2025-03-24T09:00:00.000+07:00',
      },
    });
  });

  it('answers 400 naming every bad field', async () => {
    const res = await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send({ unitId: 'SCT', receivedAt: 'yesterday', channel: 'fax', about: 'dossier', summary: '' })
      .expect(400);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['channel', 'dossierCode', 'receivedAt', 'summary']);
  });

  it('refuses another unit (403), the reform office (403), an unknown unit (404)', async () => {
    await api.as(TOKENS.clerkB).post('/api/feedback').send(body()).expect(403);
    await api.as(TOKENS.reform).post('/api/feedback').send(body()).expect(403);
    await api
      .as(TOKENS.admin)
      .post('/api/feedback')
      .send(body({ unitId: 'NOPE' }))
      .expect(404);
    // An unknown unit is a 404 to a clerk too, not someone else's unit; and in a list's filter.
    const unknown = await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ unitId: 'NOPE' }))
      .expect(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'unitId' } });
    const listed = await api.as(TOKENS.reform).get('/api/feedback?unitId=NOPE').expect(404);
    expect(listed.body.error.code).toBe('UNIT_NOT_FOUND');
  });

  it('marks an item a repeat of any item, whatever the length of its id (up to 80)', async () => {
    const longId = `FB-${'L'.repeat(77)}`;
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: longId }))
      .expect(201);
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-REPEATS' }))
      .expect(201);
    const tooLong = await step('FB-REPEATS', {
      type: 'marked-repeat',
      occurredAt: '2025-03-05T10:00:00+07:00',
      of: `${longId}X`,
    }).expect(400);
    expect(tooLong.body.error.details).toEqual([{ field: 'of', problems: [expect.any(String)] }]);
    await step('FB-REPEATS', {
      type: 'marked-repeat',
      occurredAt: '2025-03-05T10:00:00+07:00',
      of: longId,
    }).expect(201);
  });

  it('with an Idempotency-Key and no id, a retry returns the first answer and appends nothing', async () => {
    const send = () =>
      api.as(TOKENS.clerkA).post('/api/feedback').set('Idempotency-Key', 'fb-key-1').send(body()).expect(201);
    const first = await send();
    const second = await send();
    expect(second.body).toEqual(first.body);
    const got = await api.as(TOKENS.clerkA).get(`/api/feedback/${first.body.id}`).expect(200);
    expect(got.body.history).toHaveLength(1);
  });

  it('the same id with other facts is a 409', async () => {
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-1', summary: 'khác' }))
      .expect(409);
  });
});

describe('POST /api/feedback/{id}/events', () => {
  it('records the steps to the publication of the answer', async () => {
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-2' }))
      .expect(201);
    expect(
      (
        await step('FB-2', {
          type: 'information-requested',
          occurredAt: '2025-03-04T09:00:00+07:00',
          reason: 'Mã hồ sơ?',
        }).expect(201)
      ).body,
    ).toEqual({ status: 'awaiting-information', revision: 1 });
    await step('FB-2', { type: 'information-received', occurredAt: '2025-03-05T09:00:00+07:00' }).expect(201);
    await step('FB-2', {
      type: 'answered',
      occurredAt: '2025-03-10T09:00:00+07:00',
      summary: 'Đã hướng dẫn',
    }).expect(201);
    const published = await step('FB-2', {
      type: 'answer-published',
      occurredAt: '2025-03-11T09:00:00+07:00',
    }).expect(201);
    expect(published.body).toEqual({ status: 'published', revision: 4 });
    await step('FB-2', { type: 'rated', occurredAt: '2025-03-12T09:00:00+07:00', satisfied: false }).expect(
      201,
    );
    await step('FB-2', { type: 'marked-repeat', occurredAt: '2025-03-12T10:00:00+07:00', of: 'FB-1' }).expect(
      201,
    );
    const got = (await api.as(TOKENS.reform).get('/api/feedback/FB-2').expect(200)).body;
    expect(got).toMatchObject({
      status: 'published',
      publishBy: '2025-03-12T09:00:00.000+07:00',
      repeat: { of: 'FB-1' },
      ratings: [{ satisfied: false }],
    });
    expect(got.history.map((h: { type: string }) => h.type)).toEqual([
      'FeedbackReceived',
      'FeedbackInformationRequested',
      'FeedbackInformationReceived',
      'FeedbackAnswered',
      'FeedbackAnswerPublished',
      'FeedbackRated',
      'FeedbackMarkedRepeat',
    ]);
  });

  it('answers 400 for a missing field, a field of another type, an unknown type', async () => {
    const a = await step('FB-1', { type: 'answered', occurredAt: '2025-03-10T09:00:00+07:00' }).expect(400);
    expect(a.body.error.details.map((d: { field: string }) => d.field)).toEqual(['summary']);
    const b = await step('FB-1', {
      type: 'answer-published',
      occurredAt: '2025-03-10T09:00:00+07:00',
      satisfied: true,
    }).expect(400);
    expect(b.body.error.details.map((d: { field: string }) => d.field)).toEqual(['satisfied']);
    await step('FB-1', { type: 'processed', occurredAt: '2025-03-10T09:00:00+07:00' }).expect(400);
  });

  it('answers 409 for a step the state does not allow, 422 for one the rules refuse, and appends nothing', async () => {
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-3' }))
      .expect(201);
    const c = await step('FB-3', {
      type: 'answer-published',
      occurredAt: '2025-03-10T09:00:00+07:00',
    }).expect(409);
    expect(c.body.error.code).toBe('ANSWER_NOT_RECORDED');
    const r = await step('FB-3', {
      type: 'forwarded',
      occurredAt: '2025-03-04T09:00:00+07:00',
      toUnitId: 'SCT',
    }).expect(422);
    expect(r.body.error.code).toBe('FORWARD_TO_SAME_UNIT');
    const nowhere = await step('FB-3', {
      type: 'forwarded',
      occurredAt: '2025-03-04T09:00:00+07:00',
      toUnitId: 'NOPE',
    }).expect(404);
    expect(nowhere.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', details: { field: 'toUnitId' } });
    await step('FB-3', { type: 'answered', occurredAt: '2025-03-02T09:00:00+07:00', summary: 'x' }).expect(
      422,
    );
    expect((await api.as(TOKENS.clerkA).get('/api/feedback/FB-3').expect(200)).body.history).toHaveLength(1);
  });

  it('a forwarded item is taken over by the receiving unit; the first unit still reads it', async () => {
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-4' }))
      .expect(201);
    await step('FB-4', {
      type: 'forwarded',
      occurredAt: '2025-03-04T10:00:00+07:00',
      toUnitId: 'HOIAN',
      reason: 'Thẩm quyền xã',
    }).expect(201);
    const denied = await step('FB-4', {
      type: 'answered',
      occurredAt: '2025-03-05T09:00:00+07:00',
      summary: 'x',
    }).expect(403);
    expect(denied.body.error.code).toBe('NOT_HOLDING_UNIT');
    await step(
      'FB-4',
      { type: 'answered', occurredAt: '2025-03-05T09:00:00+07:00', summary: 'Đã xử lý' },
      TOKENS.clerkB,
    ).expect(201);
    const seen = (await api.as(TOKENS.clerkA).get('/api/feedback/FB-4').expect(200)).body;
    expect(seen).toMatchObject({ unitId: 'SCT', currentUnitId: 'HOIAN', status: 'answered' });
    expect(seen.deadlines.answerBy).toBe('2025-03-25T10:00:00.000+07:00');
    // Another unit's item answers as an unknown one.
    await api.as(TOKENS.clerkB).get('/api/feedback/FB-1').expect(404);
    await step(
      'FB-1',
      { type: 'answered', occurredAt: '2025-03-05T09:00:00+07:00', summary: 'x' },
      TOKENS.clerkB,
    ).expect(404);
  });

  it('a step retried with its Idempotency-Key appends nothing new', async () => {
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send(body({ id: 'FB-5' }))
      .expect(201);
    const send = () =>
      step('FB-5', { type: 'rejected', occurredAt: '2025-03-04T09:00:00+07:00', reason: 'Nặc danh' })
        .set('Idempotency-Key', 'fb5-reject')
        .expect(201);
    expect((await send()).body).toEqual((await send()).body);
    expect((await api.as(TOKENS.clerkA).get('/api/feedback/FB-5').expect(200)).body.history).toHaveLength(2);
  });
});

describe('GET /api/feedback', () => {
  it('lists the items each caller may see, by status and due', async () => {
    await api.waitForProjections();
    type Page = { items: { id: string; status: string; pastDue: boolean; heldBy: string[] }[] };
    const ids = (p: Page) => p.items.map((i) => i.id);
    const a = (await api.as(TOKENS.clerkA).get('/api/feedback?limit=100').expect(200)).body as Page;
    expect(ids(a)).toEqual(expect.arrayContaining(['FB-1', 'FB-2', 'FB-3', 'FB-4', 'FB-5']));
    const b = (await api.as(TOKENS.clerkB).get('/api/feedback').expect(200)).body as Page;
    expect(ids(b)).toEqual(['FB-4']);
    const rejected = (await api.as(TOKENS.reform).get('/api/feedback?status=rejected').expect(200))
      .body as Page;
    expect(ids(rejected)).toEqual(['FB-5']);
    // Now 31/3: FB-1 and FB-3 owe their answer since 24/3; FB-4 owes its publication since 7/3.
    const overdue = (await api.as(TOKENS.reform).get('/api/feedback?due=overdue').expect(200)).body as Page;
    expect(ids(overdue).sort()).toEqual(expect.arrayContaining(['FB-1', 'FB-3', 'FB-4']));
    expect(overdue.items.every((i) => i.pastDue)).toBe(true);
    await api.as(TOKENS.clerkB).get('/api/feedback?unitId=SCT').expect(403);
  });
});
