import {
  defaultVietnamCalendar,
  deadlineLadder,
  evolveDossier,
  initialDossierState,
  instantFromMs,
  type DossierEvent,
} from '@tracker/domain';
import { waitFor } from '@tracker/testing';
import { DeadlineApp, StoredEvent, TOKENS, startDeadlineApp } from './support/deadline-harness';

jest.setTimeout(90_000);

let t: DeadlineApp;
// Monday 3 March 2025 08:00, five working days: due Monday 10 March 08:00.
const RECEIVED = '2025-03-03T08:00:00+07:00';
const DUE = '2025-03-10T08:00:00.000+07:00';
const ms = (instant: string) => Date.parse(instant);

beforeAll(async () => {
  t = await startDeadlineApp();
  t.clock.set(ms(RECEIVED) + 1_000);
  const admin = t.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin
    .put('/api/procedures/P5')
    .send({
      name: 'Cấp phép',
      units: ['SCT'],
      timeLimit: { value: 5, unit: 'working-days' },
      onlineLevel: 'none',
      feeRequired: false,
      requiresWrittenResult: true,
    })
    .expect(200);
});

afterAll(async () => {
  await t?.close();
});

async function receive(code: string, receivedAt = RECEIVED): Promise<void> {
  if (t.clock.now().getTime() < ms(receivedAt)) t.clock.set(ms(receivedAt) + 1);
  await t
    .as(TOKENS.clerk)
    .post('/api/dossiers')
    .send({ code, unitId: 'SCT', procedureCode: 'P5', channel: 'in-person', receivedAt })
    .expect(201);
}

const step = (code: string, body: Record<string, unknown>, token: string = TOKENS.clerk) =>
  t.as(token).post(`/api/dossiers/${code}/events`).send(body);

const systemEvents = (events: StoredEvent[]) =>
  events.filter((e) => ['DossierDueSoon', 'DossierBecameOverdue', 'OverdueRetracted'].includes(e.type));

/** The ladder the domain plans for the dossier as stored. */
async function ladderOf(code: string) {
  const state = (await t.eventsOf(code))
    .map((e) => ({ type: e.type, data: e.data }) as DossierEvent)
    .reduce(evolveDossier, initialDossierState());
  return deadlineLadder(state, defaultVietnamCalendar());
}

/** Move the clock just past an instant and wait for the event the job records there. */
async function reach(code: string, atMs: number, type: string, stage?: string): Promise<StoredEvent> {
  t.clock.set(atMs + 5);
  return waitFor(
    async () =>
      (await t.eventsOf(code)).find(
        (e) => e.type === type && (stage === undefined || e.data.stage === stage),
      ),
    { timeoutMs: 15_000, description: `${type} ${stage ?? ''} of ${code}` },
  );
}

async function jobsOf(code: string): Promise<string[]> {
  const jobs = await t.runtime().scheduler.queue.getJobs(['delayed', 'waiting', 'active']);
  return jobs.filter((j) => j.data.code === code).map((j) => j.id!);
}

describe('deadline alerts (API + worker, BullMQ, embedded event store, test clock)', () => {
  it('walks through due-soon, apology-needed, the apology and an overdue against the original date; SSE sends each change once, across a reconnect', async () => {
    const code = 'DL-WALK-1';
    let sse = await t.sse(TOKENS.supervisor);
    await receive(code);
    await t.settled(code);
    const [d50, d75, apology, overdue] = await ladderOf(code);
    expect([d50.stage, d75.stage, apology.stage, overdue.stage]).toEqual([
      'due-soon-50',
      'due-soon-75',
      'apology-needed',
      'overdue',
    ]);
    expect((await jobsOf(code)).sort()).toEqual(
      [d50, d75, apology, overdue].map((r) => `${r.stage}-${code}-${r.dueMs}`).sort(),
    );

    const e50 = await reach(code, d50.atMs, 'DossierDueSoon', 'due-soon-50');
    expect(e50.data).toMatchObject({ occurredAt: instantFromMs(d50.atMs), dueAt: DUE });
    await reach(code, d75.atMs, 'DossierDueSoon', 'due-soon-75');
    await waitFor(() => sse.events.filter((e) => e.alert.code === code).length === 2);
    // Reconnect: what happens meanwhile comes with the resumed stream.
    const resumeAfter = sse.lastId()!;
    const first = sse.events.filter((e) => e.alert.code === code);
    sse.close();

    const eApology = await reach(code, apology.atMs, 'DossierDueSoon', 'apology-needed');
    expect(eApology.data.occurredAt).toBe(instantFromMs(apology.atMs)); // Friday 7 March 08:00
    await t.settled(code);
    const open = await t.as(TOKENS.supervisor).get('/api/alerts').expect(200);
    expect(
      open.body.alerts.filter((a: { code: string }) => a.code === code).map((a: { kind: string }) => a.kind),
    ).toEqual(['due-soon-50', 'due-soon-75', 'apology-needed']);
    expect((await t.as(TOKENS.otherSupervisor).get('/api/alerts').expect(200)).body.alerts).toEqual([]);
    await t.as(TOKENS.clerk).get('/api/alerts').expect(403);

    sse = await t.sse(TOKENS.supervisor, resumeAfter);
    // The supervisor signs the apology at the last allowed moment, with a new date.
    await step(
      code,
      {
        type: 'apology-issued',
        occurredAt: instantFromMs(apology.atMs),
        reason: 'cần xác minh thực địa',
        newDueAt: '2025-03-14T08:00:00+07:00',
        signedBy: 'Nguyễn Văn A',
      },
      TOKENS.supervisor,
    ).expect(201);
    await step(
      code,
      {
        type: 'apology-issued',
        occurredAt: instantFromMs(apology.atMs),
        reason: 'again',
        newDueAt: '2025-03-17T08:00:00+07:00',
        signedBy: 'B',
      },
      TOKENS.supervisor,
    ).expect(409);
    const state = await t.as(TOKENS.supervisor).get(`/api/dossiers/${code}`).expect(200);
    expect(state.body).toMatchObject({ dueAt: DUE, rescheduledDueAt: '2025-03-14T08:00:00+07:00' });

    const eOverdue = await reach(code, overdue.atMs, 'DossierBecameOverdue');
    expect(eOverdue.data).toEqual({ occurredAt: DUE, dueAt: DUE }); // the original date
    await waitFor(() => sse.events.filter((e) => e.alert.code === code).length === 5, {
      description: 'SSE after the reconnect',
    });

    const all = [...first, ...sse.events.filter((e) => e.alert.code === code)];
    expect(all.map((e) => `${e.change} ${e.alert.kind}`)).toEqual([
      'opened due-soon-50',
      'opened due-soon-75',
      'opened apology-needed',
      'closed due-soon-50',
      'closed due-soon-75',
      'closed apology-needed',
      'opened overdue',
    ]);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const events = systemEvents(await t.eventsOf(code)).map((e) => e.type + ':' + String(e.data.stage ?? ''));
    expect(events).toEqual([
      'DossierDueSoon:due-soon-50',
      'DossierDueSoon:due-soon-75',
      'DossierDueSoon:apology-needed',
      'DossierBecameOverdue:',
    ]);
  });
});
