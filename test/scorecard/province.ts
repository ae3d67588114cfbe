// A small province (five units on two levels, six procedures, a few hundred dossiers with every kind of
// life, one in five recorded out of order) seeded through the HTTP API, for the scorecard suites.
import { ApiHarness, TOKENS } from '../support/api-harness';
import { prng } from '../../apps/api/src/demo/prng';
import type { RawEvent } from './independent-scorecard';
import { jsonEvent } from '@eventstore/db-client';
import {
  defaultVietnamCalendar,
  feedbackDecider,
  type Actor,
  type FeedbackCommand,
  type FeedbackEvent,
} from '@tracker/domain';

const UNITS = [
  { id: 'D1', name: 'Sở Công Thương', level: 'department' },
  { id: 'D2', name: 'Sở Ngoại vụ', level: 'department' },
  { id: 'D3', name: 'Sở Khoa học và Công nghệ', level: 'department' },
  { id: 'C1', name: 'Phường Hội An', level: 'commune' },
  { id: 'C2', name: 'Xã Nam Giang', level: 'commune' },
];
/** Units without dossiers or procedures: a district over the two communes (6.5a). */
const DISTRICTS = [{ id: 'H1', name: 'Huyện Nam Giang', level: 'district' }];
/** Unit fields of method v2: the communes' district and C1's electronic certified copies (6.5a). */
const UNIT_EXTRA: Record<string, Record<string, string>> = {
  C1: { parentId: 'H1', electronicCertifiedCopySince: '2025-02-10' },
  C2: { parentId: 'H1' },
};
const ALL_SEVEN = ['name', 'steps', 'methods', 'dossier', 'timeLimit', 'subjects', 'agency'];
/** Procedure fields of method v2 (1.3, 6.5c); the others take the defaults. */
const PROCEDURE_EXTRA: Record<string, Record<string, unknown>> = {
  PA: { forCitizens: false, publicComponents: ALL_SEVEN },
  PB: { publicComponents: ALL_SEVEN },
  PC: { publicComponents: ALL_SEVEN.slice(0, 6) },
  PD: { publicComponents: ALL_SEVEN },
};
/** Publication decisions (1.1–1.3): on time and late decisions, items made public on time, late, never. */
const PUBLICATIONS = [
  {
    id: 'QD0',
    decisionNo: '2900/QĐ-UBND',
    decidedOn: '2024-12-02',
    basisEffectiveOn: '2025-01-01',
    items: [{ procedureCode: 'PF', change: 'amended' }],
    madePublic: { PF: '2024-12-05' },
  },
  {
    id: 'QD1',
    decisionNo: '12/QĐ-UBND',
    decidedOn: '2025-01-06',
    basisEffectiveOn: '2025-01-20',
    items: [
      { procedureCode: 'PA', change: 'new' },
      { procedureCode: 'PB', change: 'amended' },
    ],
    madePublic: { PA: '2025-01-08', PB: '2025-01-20' },
  },
  {
    id: 'QD2',
    decisionNo: '301/QĐ-UBND',
    decidedOn: '2025-02-20',
    basisEffectiveOn: '2025-02-24',
    items: [
      { procedureCode: 'PC', change: 'amended' },
      { procedureCode: 'PD', change: 'new' },
    ],
    madePublic: { PD: '2025-02-21' },
  },
  {
    id: 'QD3',
    decisionNo: '455/QĐ-UBND',
    decidedOn: '2025-03-10',
    basisEffectiveOn: '2025-04-01',
    items: [
      { procedureCode: 'PE', change: 'abolished' },
      { procedureCode: 'PF', change: 'amended' },
      { procedureCode: 'PA', change: 'amended' },
    ],
    madePublic: { PE: '2025-03-11', PF: '2025-03-12' },
  },
  {
    // PE amended the day QD3 abolishes it (zero-length validity), made public later: not public (1.3).
    id: 'QD4',
    decisionNo: '456/QĐ-UBND',
    decidedOn: '2025-03-10',
    basisEffectiveOn: '2025-03-14',
    items: [{ procedureCode: 'PE', change: 'amended' }],
    madePublic: { PE: '2025-03-13' },
  },
];
const IDENTIFIED = ['vneid', 'population-database', 'papers', undefined];
const PROCEDURES = [
  {
    code: 'PA',
    units: ['D1', 'D2'],
    onlineLevel: 'full',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 10, unit: 'working-days' },
  },
  {
    code: 'PB',
    units: ['D1', 'D3'],
    onlineLevel: 'partial',
    feeRequired: false,
    requiresWrittenResult: false,
    timeLimit: { value: 5, unit: 'working-days' },
  },
  {
    code: 'PC',
    units: ['D2', 'C1'],
    onlineLevel: 'none',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 3, unit: 'working-days' },
  },
  {
    code: 'PD',
    units: ['C1', 'C2'],
    onlineLevel: 'full',
    feeRequired: false,
    requiresWrittenResult: true,
    timeLimit: { value: 15, unit: 'days' },
  },
  {
    code: 'PE',
    units: ['C2', 'D3'],
    onlineLevel: 'none',
    feeRequired: false,
    requiresWrittenResult: false,
    timeLimit: { value: 8, unit: 'working-hours' },
  },
  {
    code: 'PF',
    units: ['D1', 'C1', 'C2'],
    onlineLevel: 'partial',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 7, unit: 'working-days' },
  },
];

const DAY = 24 * 3600_000;
const iso = (t: number) => new Date(t).toISOString();

type Step = Record<string, unknown> & { type: string; occurredAt: string };

export async function seedProvince(
  api: ApiHarness,
  dossiers: number,
): Promise<{ sent: number; refused: number }> {
  const admin = api.as(TOKENS.admin);
  for (const u of [...DISTRICTS, ...UNITS])
    await admin
      .put(`/api/units/${u.id}`)
      .send({ name: u.name, level: u.level, ...UNIT_EXTRA[u.id] })
      .expect(200);
  for (const p of PROCEDURES) {
    const { code, ...body } = p;
    await admin
      .put(`/api/procedures/${code}`)
      .send({
        name: `Thủ tục ${code}`,
        ...body,
        ...PROCEDURE_EXTRA[code],
        effectiveFrom: '2024-01-01T00:00:00+07:00',
      })
      .expect(200);
  }
  for (const { id, madePublic, ...decision } of PUBLICATIONS) {
    await admin.put(`/api/publications/${id}`).send(decision).expect(200);
    for (const [procedureCode, madePublicOn] of Object.entries(madePublic))
      await admin
        .post(`/api/publications/${id}/made-public`)
        .send({ procedureCode, madePublicOn })
        .expect(201);
  }
  const seed = Number(process.env.SCENARIO_SEED ?? 766);
  let sent = 0;
  let refused = 0;
  const from = Date.parse('2024-12-01T07:30:00+07:00');
  const to = Date.parse('2025-04-20T07:30:00+07:00');
  const work = async (n: number) => {
    // Each dossier draws from its own stream, so the province does not depend on the writers' interleaving.
    const rnd = prng(seed * 100_003 + n);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const unit = pick(UNITS);
    const proc = pick(PROCEDURES.filter((p) => p.units.includes(unit.id)));
    const received = from + Math.floor(rnd() * ((to - from) / 3600_000)) * 3600_000;
    const online = proc.onlineLevel !== 'none' && rnd() < 0.7;
    const fee = proc.feeRequired && rnd() < 0.9 ? 20000 : 0;
    const res = await admin.post('/api/dossiers').send({
      code: `S-${n}`,
      unitId: unit.id,
      procedureCode: proc.code,
      channel: online ? 'online' : pick(['in-person', 'postal']),
      ...(online ? { onlineLevel: proc.onlineLevel } : {}),
      receivedAt: iso(received),
      feeAmount: fee,
      // Not drawn from rnd, so the rest of the dossier's life is what it was before v2; PE's applicants are
      // never identified through VNeID or the population database (6.5c loses it).
      ...(IDENTIFIED[n % 4] ? { identifiedThrough: proc.code === 'PE' ? 'papers' : IDENTIFIED[n % 4] } : {}),
    });
    sent++;
    if (res.status !== 201) {
      refused++;
      return;
    }
    const due = Date.parse(res.body.dueAt);
    const steps: Step[] = [];
    const at = (t: number) => iso(Math.max(received + 60_000, t));
    if (rnd() < 0.6)
      steps.push({
        type: 'input-digitized',
        occurredAt: at(received + 600_000),
        reused: rnd() < 0.35,
        fromPersonalStore: rnd() < 0.25,
      });
    if (rnd() < 0.7) steps.push({ type: 'synced', occurredAt: at(received + 2 * 3600_000) });
    if (fee === 0 && rnd() < 0.1)
      steps.push({ type: 'payment-requested', occurredAt: at(received + 3600_000), amount: 10000 });
    let t = received + DAY;
    const supplements = rnd() < 0.7 ? 0 : rnd() < 0.75 ? 1 : 2;
    for (let s = 0; s < supplements; s++) {
      steps.push({ type: 'supplement-requested', occurredAt: at(t), reason: 'bổ sung giấy tờ' });
      t += DAY * (1 + Math.floor(rnd() * 5));
      if (rnd() < 0.9) steps.push({ type: 'supplement-received', occurredAt: at(t) });
      else break;
      t += DAY;
    }
    if (rnd() < 0.85) {
      const doneAt =
        rnd() < 0.7 ? received + (due - received) * rnd() : due + DAY * (1 + Math.floor(rnd() * 10));
      const finish = Math.max(t, doneAt);
      const end = rnd();
      if (end < 0.05) steps.push({ type: 'withdrawn', occurredAt: at(finish) });
      else if (end < 0.1)
        steps.push({ type: 'stopped', occurredAt: at(finish), reason: 'không đủ điều kiện' });
      else {
        steps.push({
          type: 'processed',
          occurredAt: at(finish),
          outcome: rnd() < 0.9 ? 'approved' : 'denied',
        });
        if (proc.requiresWrittenResult && rnd() < 0.6)
          steps.push({ type: 'result-issued-electronically', occurredAt: at(finish + 600_000) });
        if (rnd() < 0.7) {
          steps.push({ type: 'result-returned', occurredAt: at(finish + DAY) });
          if (rnd() < 0.5)
            steps.push({
              type: 'satisfaction-rated',
              occurredAt: at(finish + 2 * DAY),
              satisfied: rnd() < 0.8,
            });
          if (rnd() < 0.1)
            steps.push({
              type: 'satisfaction-rated',
              occurredAt: at(finish + 3 * DAY),
              satisfied: rnd() < 0.5,
            });
        }
      }
    }
    if (fee > 0 && rnd() < 0.6)
      steps.push({
        type: 'paid-online',
        occurredAt: at(received + 3 * 3600_000),
        amount: fee,
        gateway: pick(['national', 'provincial']),
      });
    // One dossier in five is caught up later by a clerk: its steps arrive out of occurredAt order.
    if (rnd() < 0.2) steps.sort(() => rnd() - 0.5);
    for (const s of steps) {
      const r = await admin.post(`/api/dossiers/S-${n}/events`).send(s);
      sent++;
      if (r.status !== 201) refused++;
      expect(r.status).toBeLessThan(500);
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n < dossiers; n = next++) await work(n);
    }),
  );
  return { sent, refused };
}

export async function rawEvents(api: ApiHarness): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  for await (const r of api.eventStore.client.readAll()) {
    const e = r.event;
    if (!e || e.type.startsWith('$') || e.streamId.startsWith('$')) continue;
    out.push({ stream: e.streamId, type: e.type, data: e.data as Record<string, any> });
  }
  return out;
}

const FEEDBACK_UNITS = ['D1', 'D2', 'C1', 'C2'];

/**
 * Feedback items (PAKN) for 5.1–5.3 (v2). No HTTP route records them yet on this branch, so each item's
 * commands go through the feedback decider and its events are appended to `feedback-{id}` as the API
 * would. Rejected, returned, forwarded (and answered by the receiving unit), late and on-time answers,
 * unpublished answers, ratings, repeats, items naming a dossier; one in five out of order.
 */
export async function seedFeedback(api: ApiHarness, items: number, dossiers: number): Promise<number> {
  const calendar = defaultVietnamCalendar();
  const actor: Actor = { subject: 'scenario', role: 'clerk', units: FEEDBACK_UNITS };
  const seed = Number(process.env.SCENARIO_SEED ?? 766);
  const from = Date.parse('2024-12-01T08:00:00+07:00');
  const span = Date.parse('2025-04-20T08:00:00+07:00') - from;
  let appended = 0;
  for (let n = 0; n < items; n++) {
    const rnd = prng(seed * 7_919 + n);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const id = `FB-${n}`;
    const received = from + Math.floor((rnd() * span) / 3600_000) * 3600_000;
    const unitId = pick(FEEDBACK_UNITS);
    const aboutDossier = rnd() < 0.35;
    const commands: { type: string; data: Record<string, unknown> }[] = [];
    const cmd = (type: string, t: number, extra: Record<string, unknown> = {}) =>
      commands.push({ type, data: { occurredAt: iso(t), now: iso(Math.max(t, received)), actor, ...extra } });
    cmd('ReceiveFeedback', received, {
      id,
      unitId,
      receivedAt: iso(received),
      channel: pick(['national-portal', 'provincial-portal', 'in-person', 'phone', 'mail']),
      about: aboutDossier ? 'dossier' : 'procedure',
      ...(aboutDossier ? { dossierCode: `S-${Math.floor(rnd() * dossiers)}` } : { procedureCode: 'PA' }),
      summary: 'Phản ánh về thời gian giải quyết',
      calendar,
      calendarVersion: 'scenario',
    });
    // Working days are about 1.4 calendar days; `late` stretches a step past its deadline.
    const after = (wd: number, late: boolean) =>
      Math.round((late ? wd + 4 : wd * 0.8) * DAY * (1 + rnd() * 0.3));
    let t = received;
    const fate = rnd();
    if (fate < 0.12) cmd('RejectFeedback', (t += after(2, rnd() < 0.3)), { reason: 'Không thuộc phạm vi' });
    else if (fate < 0.2) cmd('ReturnFeedback', (t += after(2, rnd() < 0.3)), { reason: 'Không rõ nội dung' });
    else {
      if (fate < 0.4) {
        const to = pick(FEEDBACK_UNITS.filter((u) => u !== unitId));
        cmd('ForwardFeedback', (t += after(2, rnd() < 0.3)), { toUnitId: to, reason: 'Chuyển', calendar });
      }
      if (rnd() < 0.25) {
        cmd('RequestFeedbackInformation', (t += after(3, rnd() < 0.2)), { reason: 'Bổ sung' });
        if (rnd() < 0.8) cmd('ReceiveFeedbackInformation', (t += 2 * DAY));
      }
      if (rnd() < 0.85) {
        cmd('AnswerFeedback', (t += after(10, rnd() < 0.25)), { summary: 'Đã trả lời', calendar });
        if (rnd() < 0.8) cmd('PublishFeedbackAnswer', (t += after(1, rnd() < 0.2)));
      }
    }
    if (rnd() < 0.5) cmd('RateFeedback', t + DAY, { satisfied: rnd() < 0.7 });
    if (rnd() < 0.1) cmd('RateFeedback', t + 2 * DAY, { satisfied: rnd() < 0.5 });
    if (n > 0 && rnd() < 0.12) cmd('MarkFeedbackRepeat', received + 3 * 3600_000, { of: `FB-${n - 1}` });
    // One item in five is caught up later: its later steps are recorded out of occurredAt order.
    const [receipt, ...rest] = commands;
    if (rnd() < 0.2) rest.sort(() => rnd() - 0.5);
    appended += await record(api, id, [receipt, ...rest]);
  }
  // Items forwarded away and back: the unit that held one twice counts it once, on time only if both
  // holdings were (the second answered late in FB-back-1, on time in FB-back-2).
  for (const [n, late] of [
    [1, true],
    [2, false],
  ] as const) {
    const id = `FB-back-${n}`;
    const received = Date.parse(`2025-0${n}-06T09:00:00+07:00`);
    const step = (type: string, t: number, extra: Record<string, unknown> = {}) => ({
      type,
      data: { occurredAt: iso(t), now: iso(t), actor, ...extra },
    });
    const got = await record(api, id, [
      step('ReceiveFeedback', received, {
        id,
        unitId: 'D1',
        receivedAt: iso(received),
        channel: 'phone',
        about: 'procedure',
        procedureCode: 'PA',
        summary: 'Phản ánh chuyển qua lại',
        calendar,
        calendarVersion: 'scenario',
      }),
      step('ForwardFeedback', received + DAY, { toUnitId: 'C1', reason: 'Chuyển', calendar }),
      step('ForwardFeedback', received + 2 * DAY, { toUnitId: 'D1', reason: 'Trả về', calendar }),
      step('AnswerFeedback', received + (late ? 30 : 5) * DAY, { summary: 'Đã trả lời', calendar }),
      step('PublishFeedbackAnswer', received + (late ? 31 : 6) * DAY),
    ]);
    if (got !== 5) throw new Error(`${id}: ${got} of its 5 events recorded`);
    appended += got;
  }
  return appended;
}

/** Decides an item's commands in order as the API would (a refused step records nothing), appends the rest. */
async function record(
  api: ApiHarness,
  id: string,
  commands: { type: string; data: Record<string, unknown> }[],
): Promise<number> {
  let state = feedbackDecider.initialState();
  const events: FeedbackEvent[] = [];
  for (const c of commands) {
    try {
      const out = feedbackDecider.decide(c as FeedbackCommand, state);
      for (const e of out) state = feedbackDecider.evolve(state, e);
      events.push(...out);
    } catch {
      // a step the item's state refuses (as the API would): nothing recorded
    }
  }
  if (events.length === 0) return 0;
  await api.eventStore.client.appendToStream(
    `feedback-${id}`,
    events.map((e) => jsonEvent({ type: e.type, data: e.data as Record<string, any> })),
  );
  return events.length;
}
