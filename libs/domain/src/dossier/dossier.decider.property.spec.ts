// Random command sequences, with occurredAt often before what is already recorded (late facts), through
// decide/evolve. Whatever the decider records must be a stream it could have produced itself.
import fc from 'fast-check';
import {
  DomainError,
  dossierDecider,
  instantFromMs,
  isSystemEvent,
  overdueInvalidity,
  POST_FINISH_EVENT_TYPES,
  type Dossier,
  type DossierCommand,
  type DossierEvent,
  type DossierState,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';
import { replayedState } from './dossier.decider';
import { replay } from './dossier.timeline';

const { decide, evolve, initialState } = dossierDecider;
const HOUR = 3_600_000;
const T0 = Date.parse(f.RECEIVED_AT);
const iso = (ms: number) => instantFromMs(ms);
const fold = (events: readonly DossierEvent[]): DossierState => events.reduce(evolve, initialState());

const KINDS = [
  'transfer',
  'request-supplement',
  'receive-supplement',
  'process',
  'return',
  'stop',
  'withdraw',
  'apology',
  'digitize',
  'e-result',
  'request-payment',
  'pay-online',
  'pay-offline',
  'rate',
  'sync',
  'correct',
  'flag-overdue',
  'flag-due-soon',
] as const;

const stepArb = fc.record({
  // Finishing by stop or withdrawal is rare, so that long lives with supplements and results are common.
  kind: fc.oneof(
    ...KINDS.map((k) => ({
      arbitrary: fc.constant(k),
      weight:
        k === 'stop' || k === 'withdraw'
          ? 1
          : /supplement|process|return|e-result|rate|overdue/.test(k)
            ? 6
            : 3,
    })),
  ),
  hour: fc.integer({ min: 0, max: 60 }),
  /** A late fact: dated before the recording clock (so often before steps already recorded). */
  late: fc.boolean(),
  lag: fc.integer({ min: 0, max: 96 }),
  pick: fc.integer({ min: 0, max: 2 }),
  flag: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const UNITS = ['U01', 'U02', 'U03'];
const STAGES = ['due-soon-50', 'due-soon-75', 'apology-needed'] as const;

/** A command from a random step; `clock` is the recording clock so far (recording never goes back). */
function commandOf(step: Step, clock: number): { command: DossierCommand; now: number } {
  const occurred = step.late ? Math.max(T0, clock - step.hour * 3 * HOUR) : clock + step.hour * HOUR;
  const now = Math.max(clock, occurred);
  const at = iso(occurred);
  const m = { now: iso(now) };
  const amount = 50_000 * (step.pick + 1);
  switch (step.kind) {
    case 'transfer':
      return { command: f.transfer(at, UNITS[step.pick], m), now };
    case 'request-supplement':
      return { command: f.requestSupplement(at, `lý do ${step.pick}`, m), now };
    case 'receive-supplement':
      return { command: f.receiveSupplement(at, m), now };
    case 'process':
      return { command: f.recordProcessing(at, step.flag ? 'approved' : 'denied', m), now };
    case 'return':
      return { command: f.returnResult(at, m), now };
    case 'stop':
      return { command: f.stopDossier(at, 'lý do', m), now };
    case 'withdraw':
      return { command: f.withdrawDossier(at, m), now };
    case 'apology':
      return {
        command: f.issueApology(at, iso(Date.parse(f.DUE_AT) + (step.pick + 1) * 24 * HOUR), {
          ...m,
          actor: step.flag ? f.supervisor : f.clerk,
        }),
        now,
      };
    case 'digitize':
      return { command: f.recordInputDigitized(at, step.flag, m), now };
    case 'e-result':
      return { command: f.recordElectronicResult(at, m), now };
    case 'request-payment':
      return { command: f.requestPayment(at, amount, m), now };
    case 'pay-online':
      return { command: f.recordOnlinePayment(at, amount, step.flag ? 'national' : 'provincial', m), now };
    case 'pay-offline':
      return { command: f.recordOfflinePayment(at, amount, m), now };
    case 'rate':
      return { command: f.recordSatisfaction(at, step.flag, m), now };
    case 'sync':
      return { command: f.recordSync(at, m), now };
    case 'correct':
      return { command: f.recordCorrection(at, m), now };
    case 'flag-overdue': {
      const t = clock + step.lag * HOUR;
      return { command: f.flagOverdue(iso(t)), now: t };
    }
    case 'flag-due-soon': {
      const t = clock + step.lag * HOUR;
      return { command: f.flagDueSoon(iso(t), STAGES[step.pick]!), now: t };
    }
  }
}

/** The command a recorded event's own facts ask for (recorded at once). */
function commandFor(event: DossierEvent): DossierCommand {
  const d = event.data;
  const m = { occurredAt: d.occurredAt, now: d.occurredAt, actor: f.clerk };
  switch (event.type) {
    case 'DossierReceived':
      return f.receiveDossier({ ...event.data, calendar: f.calendar, now: d.occurredAt });
    case 'DossierTransferred':
      return {
        type: 'TransferDossier',
        data: { ...m, toUnitId: event.data.toUnitId, reason: event.data.reason },
      };
    case 'SupplementRequested':
      return { type: 'RequestSupplement', data: { ...m, reason: event.data.reason } };
    case 'SupplementReceived':
      return { type: 'ReceiveSupplement', data: m };
    case 'DossierProcessed':
      return { type: 'RecordProcessing', data: { ...m, outcome: event.data.outcome } };
    case 'ResultReturned':
      return { type: 'ReturnResult', data: m };
    case 'DossierStopped':
      return { type: 'StopDossier', data: { ...m, reason: event.data.reason } };
    case 'DossierWithdrawn':
      return { type: 'WithdrawDossier', data: { ...m, reason: event.data.reason } };
    case 'ApologyIssued':
      return {
        type: 'IssueApology',
        data: { ...m, ...event.data, actor: f.supervisor, calendar: f.calendar },
      };
    case 'InputDigitized':
      return { type: 'RecordInputDigitized', data: { ...m, ...event.data } };
    case 'ResultIssuedElectronically':
      return { type: 'RecordElectronicResult', data: m };
    case 'PaymentRequested':
      return { type: 'RequestPayment', data: { ...m, amount: event.data.amount } };
    case 'PaidOnline':
      return {
        type: 'RecordOnlinePayment',
        data: { ...m, amount: event.data.amount, gateway: event.data.gateway },
      };
    case 'PaidOffline':
      return { type: 'RecordOfflinePayment', data: { ...m, amount: event.data.amount } };
    case 'SatisfactionRated':
      return { type: 'RecordSatisfaction', data: { ...m, satisfied: event.data.satisfied } };
    case 'DossierSynced':
      return { type: 'RecordSync', data: m };
    case 'DossierStatusSynced':
      return { type: 'RecordStatusSync', data: { ...m, actor: f.system, push: event.data.push } };
    case 'CorrectionRecorded':
      return { type: 'RecordCorrection', data: { ...m, ...event.data } };
    case 'DossierDueSoon':
      return { type: 'FlagDueSoon', data: { now: d.occurredAt, actor: f.system, stage: event.data.stage } };
    case 'DossierBecameOverdue':
      return { type: 'FlagOverdue', data: { now: d.occurredAt, actor: f.system } };
    case 'OverdueRetracted':
      throw new Error('a retraction never opens a decision');
  }
}

/** Run the steps; every refusal must be a DomainError. Returns the decisions (batches) in recording order. */
function run(steps: Step[]): { batches: DossierEvent[][]; state: DossierState } {
  let state = initialState();
  const batches: DossierEvent[][] = [];
  const first = f.receiveDossier({ dueAt: f.DUE_AT, feeAmount: 0 });
  const add = (events: DossierEvent[]) => {
    if (events.length === 0) return;
    batches.push(events);
    state = events.reduce(evolve, state);
  };
  add(decide(first, state));
  let clock = T0;
  for (const step of steps) {
    const { command, now } = commandOf(step, clock);
    clock = now;
    try {
      add(decide(command, state));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { batches, state };
}

const runs = fc.array(stepArb, { minLength: 1, maxLength: 40 });
const params = { numRuns: 500 };

describe('dossier decider properties', () => {
  it('refuses only with DomainError, and each decision is what the events’ own facts decide', () => {
    fc.assert(
      fc.property(runs, (steps) => {
        const { batches } = run(steps);
        let prefix = initialState();
        for (const batch of batches) {
          expect(batch.slice(1).every((e) => e.type === 'OverdueRetracted')).toBe(true);
          expect(decide(commandFor(batch[0]!), prefix)).toEqual(batch);
          prefix = batch.reduce(evolve, prefix);
          // Asked again with the same facts, nothing more is recorded.
          expect(decide(commandFor(batch[0]!), prefix)).toEqual([]);
        }
      }),
      params,
    );
  });

  it('nothing but post-finish facts follow the finishing step in occurredAt order; recorded overdues hold', () => {
    fc.assert(
      fc.property(runs, (steps) => {
        const { state } = run(steps);
        const s = state as Dossier;
        expect(replay(s.timeline).violations).toEqual([]);
        if (s.finishedAt !== null) {
          const finished = Date.parse(s.finishedAt);
          const after = s.timeline
            .filter((e) => e.at > finished && !isSystemEvent(e.event))
            .map((e) => e.event.type);
          expect(after.filter((t) => !POST_FINISH_EVENT_TYPES.includes(t))).toEqual([]);
        }
        for (const o of s.overdues) {
          // A standing overdue still holds; a retracted one really was wrong.
          expect(overdueInvalidity(s, Date.parse(o.dueAt)) === null).toBe(!o.retracted);
        }
        if (s.overdue && s.finishedAt !== null) expect(s.onTime).toBe(false);
      }),
      params,
    );
  });

  it('evolves each event without a replay to the state a replay of the whole timeline gives (also from JSON)', () => {
    fc.assert(
      fc.property(runs, (steps) => {
        const { batches } = run(steps);
        let state = initialState();
        for (const event of batches.flat()) {
          // Read models keep the state as JSON and evolve it from there.
          state = evolve(JSON.parse(JSON.stringify(state)) as DossierState, event);
          expect(state).toEqual(replayedState(state as Dossier));
        }
      }),
      params,
    );
  });

  it('replaying the stream from scratch (through JSON, as stored) gives the incremental state', () => {
    fc.assert(
      fc.property(runs, (steps) => {
        const { batches, state } = run(steps);
        const stored = JSON.parse(JSON.stringify(batches.flat())) as DossierEvent[];
        expect(fold(stored)).toEqual(state);
      }),
      params,
    );
  });
});
