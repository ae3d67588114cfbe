// The lifecycle view the timeline replay builds, and the small rules every step module shares (what blocks a
// step after the dossier finished, how the first finishing step is kept).
import type { Instant } from '../../calendar';
import type { DossierErrorCode } from '../dossier.errors';
import type { DossierReceived, ProcessingOutcome } from '../dossier.events';
import type {
  ApologyRecord,
  CorrectionRecord,
  FinishingStep,
  PaymentRecord,
  SupplementRound,
} from '../dossier.state';

export type Phase = 'active' | 'processed' | 'returned' | 'stopped' | 'withdrawn';

export type Round = SupplementRound & { req: number; rec: number | null };

/** The lifecycle as it stands after some prefix of the timeline. A step's `apply` mutates it in place: the
 * replay owns its view, and evolve gives apply a view of its own (viewOf in dossier.decider.ts). */
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
  /** Replaced, never pushed onto: evolve's view shares the state's list (a copy per event was quadratic). */
  payments: readonly PaymentRecord[];
  paidOnline: boolean;
  paidOffline: boolean;
  inputDigitized: boolean;
  reusedData: boolean;
  fromPersonalStore: boolean;
  resultIssuedElectronically: boolean;
  rating: { satisfied: boolean; occurredAt: Instant } | null;
  synced: boolean;
  lastSyncedAt: Instant | null;
  /** Replaced, never pushed onto, as `payments`. */
  corrections: readonly CorrectionRecord[];
};

export type Violation = Readonly<{ code: DossierErrorCode; message: string }>;

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
  paidOnline: false,
  paidOffline: false,
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

export const violation = (code: DossierErrorCode, message: string): Violation => ({ code, message });

/** What blocks a step that belongs before the dossier finished (null: nothing). */
export function notBeforeFinish(v: LifecycleView, what: string): Violation | null {
  if (v.phase === 'stopped' || v.phase === 'withdrawn') {
    return violation('DOSSIER_FINISHED', `${what}: the dossier was ${v.phase} at ${v.finishedAt}`);
  }
  if (v.phase === 'processed' || v.phase === 'returned') {
    return violation('STEP_OUT_OF_ORDER', `${what}: the dossier was already processed at ${v.processedAt}`);
  }
  return null;
}

/** The first finishing step by occurredAt ends the dossier. */
export function finish(v: LifecycleView, by: FinishingStep, at: Instant, ms: number): void {
  if (v.finishedAt === null) {
    v.finishedAt = at;
    v.finishedMs = ms;
    v.finishedBy = by;
  }
}
