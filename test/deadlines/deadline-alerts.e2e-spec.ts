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
  t.clock.set(ms(receivedAt) + 1_000); // recorded a second after it happened
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
  const queue = t.runtime().scheduler.queue;
  // A job that just fired stays active until its processor marks it done, which may come after the event it
  // recorded was projected (and its cancel, which leaves an active job alone): wait for it to finish.
  await waitFor(async () => !(await queue.getJobs(['active'])).some((j) => j.data.code === code), {
    timeoutMs: 10_000,
    description: `the running job of ${code} to finish`,
  });
  const jobs = await queue.getJobs(['delayed', 'waiting', 'active']);
  // BullMQ ids carry the id of the log the job was planned from, then the plan's id.
  const mine = jobs.filter((j) => j.data.code === code);
  for (const j of mine) expect(j.id!.startsWith(`${j.data.logId}.`)).toBe(true);
  return mine.map((j) => j.id!.slice(j.data.logId!.length + 1));
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
    // One job at a time: the next rung; each recorded rung brings the following one.
    expect(await jobsOf(code)).toEqual([`due-soon-50-${code}-${d50.dueMs}`]);

    const e50 = await reach(code, d50.atMs, 'DossierDueSoon', 'due-soon-50');
    expect(e50.data).toMatchObject({ occurredAt: instantFromMs(d50.atMs), dueAt: DUE });
    await t.settled(code);
    // The 50 % job records its event before BullMQ marks it completed: under load it may still be active.
    await waitFor(async () => (await jobsOf(code)).length === 1, {
      timeoutMs: 15_000,
      description: 'the 50 % job done',
    });
    expect(await jobsOf(code)).toEqual([`due-soon-75-${code}-${d75.dueMs}`]);
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
    // Each says what it is about, as GET /api/alerts does.
    expect(new Set(all.map((e) => e.alert.subject))).toEqual(new Set(['dossier']));
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

describe('deadline alerts: what moves, cancels and repairs them', () => {
  it('a dossier finished in time gets no job and no alert, even past its due and after sweeps', async () => {
    const code = 'DL-DONE-1';
    await receive(code);
    await t.settled(code);
    expect((await jobsOf(code)).length).toBe(1);
    t.clock.set(ms('2025-03-04T09:00:00+07:00'));
    await step(code, {
      type: 'processed',
      occurredAt: '2025-03-04T09:00:00+07:00',
      outcome: 'approved',
    }).expect(201);
    await t.settled(code);
    expect(await jobsOf(code)).toEqual([]);
    t.clock.set(ms(DUE) + 60_000);
    await t.runtime().sweep.run();
    await t.runtime().sweep.run();
    await t.settled(code);
    expect(systemEvents(await t.eventsOf(code))).toEqual([]);
    const open = await t.as(TOKENS.reform).get('/api/alerts').expect(200);
    expect(open.body.alerts.filter((a: { code: string }) => a.code === code)).toEqual([]);
  });

  it('a supplement round trip stops the clock (no jobs) and moves every rung to the new instants', async () => {
    const code = 'DL-SUPP-1';
    await receive(code);
    t.clock.set(ms('2025-03-04T08:00:00+07:00') + 1);
    await step(code, {
      type: 'supplement-requested',
      occurredAt: '2025-03-04T08:00:00+07:00',
      reason: 'thiếu bản vẽ',
    }).expect(201);
    await t.settled(code);
    expect(await jobsOf(code)).toEqual([]);
    t.clock.set(ms('2025-03-06T08:00:00+07:00') + 1);
    await step(code, { type: 'supplement-received', occurredAt: '2025-03-06T08:00:00+07:00' }).expect(201);
    await t.settled(code);
    const NEW_DUE = '2025-03-12T08:00:00.000+07:00'; // two days with the citizen
    const ladder = await ladderOf(code);
    expect(ladder.map((r) => instantFromMs(r.dueMs))).toEqual(ladder.map(() => NEW_DUE));
    expect(await jobsOf(code)).toEqual([`${ladder[0].stage}-${code}-${ms(NEW_DUE)}`]);

    const e50 = await reach(code, ms('2025-03-07T13:45:00+07:00'), 'DossierDueSoon', 'due-soon-50');
    expect(e50.data).toMatchObject({ occurredAt: '2025-03-07T13:45:00.000+07:00', dueAt: NEW_DUE });
    // The old due instant passes without an overdue.
    t.clock.set(ms(DUE) + 1_000);
    await t.runtime().sweep.run();
    expect((await t.eventsOf(code)).some((e) => e.type === 'DossierBecameOverdue')).toBe(false);
    const eOverdue = await reach(code, ms(NEW_DUE), 'DossierBecameOverdue');
    expect(eOverdue.data).toEqual({ occurredAt: NEW_DUE, dueAt: NEW_DUE });
  });

  it('a processing step recorded late, dated before the due, retracts the overdue and closes its alert', async () => {
    const code = 'DL-LATE-1';
    const sse = await t.sse(TOKENS.reform);
    await receive(code);
    await t.settled(code);
    await reach(code, ms(DUE), 'DossierBecameOverdue');
    await t.settled(code);
    const open = await t.as(TOKENS.supervisor).get('/api/alerts?unitId=SCT').expect(200);
    expect(open.body.alerts.filter((a: { code: string }) => a.code === code)).toMatchObject([
      { kind: 'overdue', dueAt: DUE },
    ]);
    await step(code, {
      type: 'processed',
      occurredAt: '2025-03-07T16:00:00+07:00',
      outcome: 'approved',
    }).expect(201);
    const retracted = await waitFor(async () =>
      (await t.eventsOf(code)).find((e) => e.type === 'OverdueRetracted'),
    );
    expect(retracted.data).toMatchObject({ dueAt: DUE, why: 'finished-before-due' });
    await t.settled(code);
    const after = await t.as(TOKENS.supervisor).get('/api/alerts').expect(200);
    expect(after.body.alerts.filter((a: { code: string }) => a.code === code)).toEqual([]);
    await waitFor(() => sse.events.some((e) => e.alert.code === code && e.change === 'closed'));
    expect(
      sse.events.filter((e) => e.alert.code === code && e.alert.kind === 'overdue').map((e) => e.change),
    ).toEqual(['opened', 'closed']);
  });

  it('Redis loses everything mid-way: the sweep restarts the reactor and every overdue is recorded, once', async () => {
    const codes = Array.from({ length: 12 }, (_, i) => `DL-LOST-${i}`);
    t.clock.set(ms('2025-03-17T08:00:00+07:00'));
    for (const [i, code] of codes.entries()) {
      await receive(code, `2025-03-17T08:${String(i).padStart(2, '0')}:00+07:00`);
    }
    for (const code of codes) await t.settled(code);
    await t.loseRedisData();
    t.clock.set(ms('2025-03-24T09:00:00+07:00')); // past every due (24 March 08:00–08:11)
    await waitFor(
      async () => {
        for (const code of codes) {
          if (!(await t.eventsOf(code)).some((e) => e.type === 'DossierBecameOverdue')) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, description: 'every overdue recorded after the loss' },
    );
    for (const code of codes) await t.settled(code);
    await t.runtime().sweep.run();
    for (const [i, code] of codes.entries()) {
      const overdues = (await t.eventsOf(code)).filter((e) => e.type === 'DossierBecameOverdue');
      const due = `2025-03-24T08:${String(i).padStart(2, '0')}:00.000+07:00`;
      expect(overdues.map((e) => e.data)).toEqual([{ occurredAt: due, dueAt: due }]);
    }
    const open = await t.as(TOKENS.reform).get('/api/alerts').expect(200);
    const kinds = open.body.alerts
      .filter((a: { code: string }) => codes.includes(a.code))
      .map((a: { kind: string }) => a.kind);
    expect(kinds).toEqual(codes.map(() => 'overdue'));
  });

  it('two workers at once record each event once', async () => {
    await t.startSecondWorker();
    const codes = Array.from({ length: 10 }, (_, i) => `DL-TWO-${i}`);
    t.clock.set(ms('2025-04-07T08:00:00+07:00'));
    for (const [i, code] of codes.entries()) {
      await receive(code, `2025-04-07T08:${String(i).padStart(2, '0')}:00+07:00`);
    }
    for (const code of codes) await t.settled(code);
    const ladder = await ladderOf(codes[0]);
    for (const rung of ladder) {
      t.clock.set(rung.atMs + 11 * 60_000); // past this rung of all ten
      await waitFor(
        async () => {
          for (const code of codes) {
            const stored = systemEvents(await t.eventsOf(code));
            const found = stored.some((e) =>
              rung.stage === 'overdue' ? e.type === 'DossierBecameOverdue' : e.data.stage === rung.stage,
            );
            if (!found) return false;
          }
          return true;
        },
        { timeoutMs: 20_000, description: `${rung.stage} of all ten` },
      );
    }
    await t.runtime().sweep.run();
    for (const code of codes) {
      const stored = systemEvents(await t.eventsOf(code)).map(
        (e) => `${e.type}:${String(e.data.stage ?? '')}`,
      );
      expect(stored.sort()).toEqual(
        [
          'DossierDueSoon:due-soon-50',
          'DossierDueSoon:due-soon-75',
          'DossierDueSoon:apology-needed',
          'DossierBecameOverdue:',
        ].sort(),
      );
    }
  });
});
