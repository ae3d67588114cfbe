// The lifecycle in occurredAt order. Both decide and evolve replay the timeline through this one machine:
// decide to find whether a (possibly late) step fits where it happened, evolve to derive the state. So the
// rules that refuse a step and the state a reader sees cannot drift apart.
import type { Instant } from '../calendar';
import type { DossierErrorCode } from './dossier.errors';
import type { DossierEvent, DossierReceived, ProcessingOutcome } from './dossier.events';
import type {
  ApologyRecord,
  CorrectionRecord,
  FinishingStep,
  PaymentRecord,
  SupplementRound,
  TimelineEntry,
} from './dossier.state';
import { instantMs } from './dossier.time';

export type Phase = 'active' | 'processed' | 'returned' | 'stopped' | 'withdrawn';

export type Round = SupplementRound & { req: number; rec: number | null };

/** The lifecycle as it stands after some prefix of the timeline. */
export type LifecycleView = {
  received: DossierReceived['data'] | null;
  phase: Phase;
  currentUnitId: string;
  rounds: Round[];
  finishedAt: Instant | null;
  finishedMs: number | null;
  finishedBy: FinishingStep | null;
  outcome: ProcessingOutcome | null;
  processedAt: Instant | null;
  returnedAt: Instant | null;
  apology: ApologyRecord | null;
  paymentRequestedAmount: number;
  payments: PaymentRecord[];
  inputDigitized: boolean;
  reusedData: boolean;
  fromPersonalStore: boolean;
  resultIssuedElectronically: boolean;
  rating: { satisfied: boolean; occurredAt: Instant } | null;
  synced: boolean;
  lastSyncedAt: Instant | null;
  corrections: CorrectionRecord[];
};

export type Violation = Readonly<{ code: DossierErrorCode; message: string }>;

/** Events the system records about time passing: they judge the lifecycle, they are not part of it. */
export type SystemEventType = 'DossierDueSoon' | 'DossierBecameOverdue' | 'OverdueRetracted';
export const isSystemEvent = (event: DossierEvent): boolean =>
  event.type === 'DossierDueSoon' ||
  event.type === 'DossierBecameOverdue' ||
  event.type === 'OverdueRetracted';

/** Facts that may still be recorded (in occurredAt) after the dossier finished. */
export const POST_FINISH_EVENT_TYPES: readonly DossierEvent['type'][] = [
  'ResultReturned',
  'ResultIssuedElectronically',
  'PaymentRequested',
  'PaidOnline',
  'PaidOffline',
  'SatisfactionRated',
  'DossierSynced',
  'CorrectionRecorded',
  'OverdueRetracted',
];

export const emptyView = (): LifecycleView => ({
  received: null,
  phase: 'active',
  currentUnitId: '',
  rounds: [],
  finishedAt: null,
  finishedMs: null,
  finishedBy: null,
  outcome: null,
  processedAt: null,
  returnedAt: null,
  apology: null,
  paymentRequestedAmount: 0,
  payments: [],
  inputDigitized: false,
  reusedData: false,
  fromPersonalStore: false,
  resultIssuedElectronically: false,
  rating: null,
  synced: false,
  lastSyncedAt: null,
  corrections: [],
});

export const hasFee = (v: LifecycleView): boolean =>
  (v.received?.feeAmount ?? 0) > 0 || v.paymentRequestedAmount > 0;
export const openRound = (v: LifecycleView): Round | null => {
  const last = v.rounds[v.rounds.length - 1];
  return last && last.rec === null ? last : null;
};

const violation = (code: DossierErrorCode, message: string): Violation => ({ code, message });

/** What blocks a step that belongs before the dossier finished (null: nothing). */
function notBeforeFinish(v: LifecycleView, what: string): Violation | null {
  if (v.phase === 'stopped' || v.phase === 'withdrawn') {
    return violation('DOSSIER_FINISHED', `${what}: the dossier was ${v.phase} at ${v.finishedAt}`);
  }
  if (v.phase === 'processed' || v.phase === 'returned') {
    return violation('STEP_OUT_OF_ORDER', `${what}: the dossier was already processed at ${v.processedAt}`);
  }
  return null;
}

function finish(v: LifecycleView, by: FinishingStep, at: Instant, ms: number): void {
  if (v.finishedAt === null) {
    v.finishedAt = at;
    v.finishedMs = ms;
    v.finishedBy = by;
  }
}

/** Apply one timeline entry to the view (always: a recorded event is a fact) and say whether the step was
 * legal where it stands. Mutates `v`, which replay owns. */
export function applyStep(v: LifecycleView, entry: TimelineEntry): Violation | null {
  const e = entry.event;
  if (e.type !== 'DossierReceived' && v.received === null) {
    return violation('DOSSIER_NOT_FOUND', `${e.type} before the dossier was received`);
  }
  switch (e.type) {
    case 'DossierReceived': {
      if (v.received !== null)
        return violation('DOSSIER_ALREADY_RECEIVED', 'the dossier was already received');
      v.received = e.data;
      v.currentUnitId = e.data.unitId;
      return null;
    }
    case 'DossierTransferred': {
      const blocked = notBeforeFinish(v, 'transfer');
      const same = e.data.toUnitId === v.currentUnitId;
      v.currentUnitId = e.data.toUnitId;
      if (blocked) return blocked;
      return same
        ? violation('TRANSFER_TO_SAME_UNIT', `the dossier is already at unit ${e.data.toUnitId}`)
        : null;
    }
    case 'SupplementRequested': {
      const blocked = notBeforeFinish(v, 'supplement request');
      const open = openRound(v);
      if (!open) {
        v.rounds.push({
          requestedAt: e.data.occurredAt,
          reason: e.data.reason,
          receivedAt: null,
          req: entry.at,
          rec: null,
        });
      }
      if (blocked) return blocked;
      return open
        ? violation('SUPPLEMENT_ALREADY_OPEN', `a supplement request is open since ${open.requestedAt}`)
        : null;
    }
    case 'SupplementReceived': {
      const blocked = notBeforeFinish(v, 'supplement receipt');
      const open = openRound(v);
      if (open) v.rounds[v.rounds.length - 1] = { ...open, receivedAt: e.data.occurredAt, rec: entry.at };
      if (blocked) return blocked;
      return open ? null : violation('NO_OPEN_SUPPLEMENT', 'no supplement request is open');
    }
    case 'DossierProcessed': {
      if (v.phase === 'processed' || v.phase === 'returned') {
        return violation('STEP_ALREADY_RECORDED', `the dossier was already processed at ${v.processedAt}`);
      }
      const blocked = notBeforeFinish(v, 'processing');
      const open = openRound(v);
      if (!blocked) {
        v.phase = 'processed';
        v.outcome = e.data.outcome;
        v.processedAt = e.data.occurredAt;
        finish(v, 'processed', e.data.occurredAt, entry.at);
      }
      if (blocked) return blocked;
      return open
        ? violation('SUPPLEMENT_OPEN', `a supplement request is open since ${open.requestedAt}`)
        : null;
    }
    case 'ResultReturned': {
      if (v.phase === 'returned') {
        return violation('STEP_ALREADY_RECORDED', `the result was already returned at ${v.returnedAt}`);
      }
      if (v.phase === 'stopped' || v.phase === 'withdrawn') {
        return violation(
          'DOSSIER_FINISHED',
          `result returned: the dossier was ${v.phase} at ${v.finishedAt}`,
        );
      }
      if (v.phase === 'active')
        return violation('STEP_OUT_OF_ORDER', 'a result cannot be returned before processing');
      v.phase = 'returned';
      v.returnedAt = e.data.occurredAt;
      finish(v, 'returned', e.data.occurredAt, entry.at);
      return null;
    }
    case 'DossierStopped':
    case 'DossierWithdrawn': {
      const blocked = notBeforeFinish(v, e.type === 'DossierStopped' ? 'stop' : 'withdrawal');
      if (blocked) return blocked;
      const by = e.type === 'DossierStopped' ? 'stopped' : 'withdrawn';
      v.phase = by;
      finish(v, by, e.data.occurredAt, entry.at);
      return null;
    }
    case 'ApologyIssued': {
      if (v.apology !== null) {
        return violation(
          'APOLOGY_ALREADY_ISSUED',
          `an apology was already issued at ${v.apology.occurredAt}`,
        );
      }
      v.apology = e.data;
      return notBeforeFinish(v, 'apology');
    }
    case 'InputDigitized': {
      v.inputDigitized = true;
      v.reusedData ||= e.data.reused;
      v.fromPersonalStore ||= e.data.fromPersonalStore;
      return notBeforeFinish(v, 'input digitization');
    }
    case 'ResultIssuedElectronically': {
      if (v.resultIssuedElectronically) {
        return violation('STEP_ALREADY_RECORDED', 'the result was already issued electronically');
      }
      if (v.phase === 'stopped' || v.phase === 'withdrawn') {
        return violation(
          'DOSSIER_FINISHED',
          `electronic result: the dossier was ${v.phase} at ${v.finishedAt}`,
        );
      }
      if (v.phase === 'active')
        return violation('STEP_OUT_OF_ORDER', 'a result cannot be issued before processing');
      v.resultIssuedElectronically = true;
      return null;
    }
    case 'PaymentRequested':
      v.paymentRequestedAmount += e.data.amount;
      return null;
    case 'PaidOnline':
    case 'PaidOffline': {
      const withoutFee = !hasFee(v);
      v.payments.push(
        e.type === 'PaidOnline'
          ? { kind: 'online', amount: e.data.amount, gateway: e.data.gateway, occurredAt: e.data.occurredAt }
          : { kind: 'offline', amount: e.data.amount, occurredAt: e.data.occurredAt },
      );
      return withoutFee
        ? violation('PAYMENT_WITHOUT_FEE', 'the dossier has no fee (none at receipt, no payment requested)')
        : null;
    }
    case 'SatisfactionRated': {
      const hasResult = v.returnedAt !== null || v.resultIssuedElectronically;
      v.rating = { satisfied: e.data.satisfied, occurredAt: e.data.occurredAt };
      return hasResult
        ? null
        : violation('RATING_BEFORE_RESULT', 'a rating needs a returned or electronic result');
    }
    case 'DossierSynced':
      v.synced = true;
      v.lastSyncedAt = e.data.occurredAt;
      return null;
    case 'CorrectionRecorded':
      v.corrections.push(e.data);
      return null;
    case 'DossierDueSoon':
    case 'DossierBecameOverdue':
    case 'OverdueRetracted':
      return null;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

export type ReplayResult = {
  view: LifecycleView;
  /** Illegal steps, by position in the timeline. */
  violations: { index: number; entry: TimelineEntry; violation: Violation }[];
};

/** Replay the timeline (entries with `at ≤ untilMs`). */
export function replay(timeline: readonly TimelineEntry[], untilMs = Infinity): ReplayResult {
  const view = emptyView();
  const violations: ReplayResult['violations'] = [];
  timeline.forEach((entry, index) => {
    if (entry.at > untilMs) return;
    const found = applyStep(view, entry);
    if (found) violations.push({ index, entry, violation: found });
  });
  return { view, violations };
}

/** Where an entry at `at` goes: after every entry at or before it (ties keep recording order). */
export function insertionIndex(timeline: readonly TimelineEntry[], at: number): number {
  let i = timeline.length;
  while (i > 0 && timeline[i - 1]!.at > at) i--;
  return i;
}

export function insertEntry(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const i = insertionIndex(timeline, entry.at);
  return [...timeline.slice(0, i), entry, ...timeline.slice(i)];
}

export const entryOf = (event: DossierEvent, seq: number): TimelineEntry => ({
  seq,
  at: instantMs(event.data.occurredAt),
  event,
});
