import {
  defaultVietnamCalendar,
  evolveFeedback,
  feedbackDeadlineLadder,
  initialFeedbackState,
  instantFromMs,
  type FeedbackEvent,
} from '@tracker/domain';
import { waitFor } from '@tracker/testing';
import { DeadlineApp, StoredEvent, TOKENS, startDeadlineApp } from './support/deadline-harness';

jest.setTimeout(90_000);

// Feedback items on the deadline ladder (API + worker, BullMQ, the test clock): due soon at 50 % and 75 % of
// the working time to the answer deadline, overdue at it, recorded once, retracted by a late fact that
// proves it wrong; in GET /api/alerts beside the dossiers with `subject: "feedback"`, and in the SSE stream.
let t: DeadlineApp;
// Monday 3 March 2025 09:00: the answer is due 15 working days later, Monday 24 March 09:00.
const RECEIVED = '2025-03-03T09:00:00+07:00';
const ANSWER_BY = '2025-03-24T09:00:00.000+07:00';
const ms = (instant: string) => Date.parse(instant);
const FEEDBACK = ['feedback-deadline-scheduling.v1', 'feedback-alerts.v1'];

beforeAll(async () => {
  t = await startDeadlineApp();
  t.clock.set(ms(RECEIVED) + 1_000);
  await t
    .as(TOKENS.admin)
    .put('/api/units/SCT')
    .send({ name: 'Sở Công Thương', level: 'department' })
    .expect(200);
});
afterAll(async () => {
  await t?.close();
});

const eventsOf = (id: string) => t.eventsOf(id, `feedback-${id}`);
const settled = (id: string) => t.settled(id, `feedback-${id}`, FEEDBACK);

async function receive(id: string): Promise<void> {
  await t
    .as(TOKENS.clerk)
    .post('/api/feedback')
    .send({ id, unitId: 'SCT', receivedAt: RECEIVED, channel: 'phone', about: 'staff', summary: 'Thái độ' })
    .expect(201);
}

async function reach(id: string, atMs: number, type: string, stage?: string): Promise<StoredEvent> {
  t.clock.set(atMs + 5);
  return waitFor(
    async () =>
      (await eventsOf(id)).find((e) => e.type === type && (stage === undefined || e.data.stage === stage)),
    { timeoutMs: 15_000, description: `${type} ${stage ?? ''} of ${id}` },
  );
}

const feedbackAlerts = async () =>
  (
    (await t.as(TOKENS.supervisor).get('/api/alerts').expect(200)).body.alerts as {
      code: string;
      kind: string;
      subject: string;
    }[]
  ).filter((a) => a.subject === 'feedback');

it('walks an item through due soon and overdue, then a late answer retracts the overdue and closes the alert', async () => {
  const id = 'FB-WALK-1';
  const sse = await t.sse(TOKENS.supervisor);
  await receive(id);
  await settled(id);
  const state = (await eventsOf(id))
    .map((e) => ({ type: e.type, data: e.data }) as FeedbackEvent)
    .reduce(evolveFeedback, initialFeedbackState());
  const [d50, d75, overdue] = feedbackDeadlineLadder(state, defaultVietnamCalendar());
  expect([d50.stage, d75.stage, overdue.stage]).toEqual(['due-soon-50', 'due-soon-75', 'overdue']);
  expect(overdue.atMs).toBe(ms(ANSWER_BY));

  const e50 = await reach(id, d50.atMs, 'FeedbackDueSoon', 'due-soon-50');
  expect(e50.data).toMatchObject({
    occurredAt: instantFromMs(d50.atMs),
    deadline: 'answer',
    dueAt: ANSWER_BY,
  });
  await settled(id);
  expect((await feedbackAlerts()).map((a) => [a.code, a.kind])).toEqual([[id, 'due-soon-50']]);
  await reach(id, d75.atMs, 'FeedbackDueSoon', 'due-soon-75');
  const eOver = await reach(id, overdue.atMs, 'FeedbackBecameOverdue');
  expect(eOver.data).toMatchObject({ unitId: 'SCT', deadline: 'answer', dueAt: ANSWER_BY });
  await settled(id);
  expect((await feedbackAlerts()).map((a) => [a.code, a.kind])).toEqual([[id, 'overdue']]);
  // The supervisor of another unit sees none of it.
  const other = (await t.as(TOKENS.otherSupervisor).get('/api/alerts').expect(200)).body.alerts;
  expect(other).toEqual([]);

  // The clerk records, late, the answer given on 21 March: the overdue was wrong.
  await t
    .as(TOKENS.clerk)
    .post(`/api/feedback/${id}/events`)
    .send({ type: 'answered', occurredAt: '2025-03-21T15:00:00+07:00', summary: 'Đã xin lỗi công dân' })
    .expect(201);
  await settled(id);
  const types = (await eventsOf(id)).map((e) => e.type);
  expect(types.filter((x) => x === 'FeedbackBecameOverdue')).toHaveLength(1);
  expect(types).toContain('FeedbackOverdueRetracted');
  // Its publication is owed 2 working days after the answer, Tuesday 25 March 15:00: overdue after it.
  expect((await feedbackAlerts()).map((a) => [a.code, a.kind])).toEqual([]);
  t.clock.set(ms('2025-03-25T15:00:00+07:00') + 5);
  await waitFor(
    async () => (await eventsOf(id)).filter((e) => e.type === 'FeedbackBecameOverdue').length === 2,
    {
      timeoutMs: 15_000,
      description: 'the publication overdue',
    },
  );
  await settled(id);
  expect((await feedbackAlerts()).map((a) => [a.code, a.kind])).toEqual([[id, 'overdue']]);

  // The SSE stream sent each change once, with its subject.
  await waitFor(async () => sse.events.filter((e) => e.alert.code === id).length >= 5, {
    timeoutMs: 10_000,
    description: 'the SSE changes',
  });
  const changes = sse.events.filter((e) => e.alert.code === id);
  expect(changes.every((e) => e.alert.subject === 'feedback')).toBe(true);
  expect(changes.slice(0, 3).map((e) => [e.change, e.alert.kind])).toEqual([
    ['opened', 'due-soon-50'],
    ['opened', 'due-soon-75'],
    ['closed', 'due-soon-50'],
  ]);
  expect(new Set(changes.map((e) => e.id)).size).toBe(changes.length);
  sse.close();
});

it('records nothing for an item answered and published in time', async () => {
  const id = 'FB-QUIET-1';
  t.clock.set(ms('2025-03-06T09:00:00+07:00'));
  await receive(id);
  await t
    .as(TOKENS.clerk)
    .post(`/api/feedback/${id}/events`)
    .send({ type: 'answered', occurredAt: '2025-03-04T09:00:00+07:00', summary: 'Đã trả lời' })
    .expect(201);
  await t
    .as(TOKENS.clerk)
    .post(`/api/feedback/${id}/events`)
    .send({ type: 'answer-published', occurredAt: '2025-03-05T09:00:00+07:00' })
    .expect(201);
  t.clock.set(ms('2025-04-01T09:00:00+07:00'));
  await settled(id);
  // Two sweep periods: nothing is owed, so nothing is flagged.
  await new Promise((r) => setTimeout(r, 600));
  const types = (await eventsOf(id)).map((e) => e.type);
  expect(types).toEqual(['FeedbackReceived', 'FeedbackAnswered', 'FeedbackAnswerPublished']);
});
