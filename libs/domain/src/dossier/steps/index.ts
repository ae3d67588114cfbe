// The dossier's step types, one module each. Everything per step (the API's validation, the handler's
// mapping, the decider's per-step rules, the timeline, the facts fold, the pages' labels) reads this list:
// adding a step type is one new module here plus its tests.
import type { DossierEventType } from '../dossier.events';
import { apologyIssuedStep } from './apology-issued.step';
import { correctionRecordedStep } from './correction-recorded.step';
import { inputDigitizedStep } from './input-digitized.step';
import { paidOfflineStep } from './paid-offline.step';
import { paidOnlineStep } from './paid-online.step';
import { paymentRequestedStep } from './payment-requested.step';
import { processedStep } from './processed.step';
import { resultIssuedElectronicallyStep } from './result-issued-electronically.step';
import { resultReturnedStep } from './result-returned.step';
import { satisfactionRatedStep } from './satisfaction-rated.step';
import type { DossierStep, StepLabels } from './step';
import { stoppedStep } from './stopped.step';
import { supplementReceivedStep } from './supplement-received.step';
import { supplementRequestedStep } from './supplement-requested.step';
import { statusSyncedStep } from './status-synced.step';
import { syncedStep } from './synced.step';
import { transferredStep } from './transferred.step';
import { withdrawnStep } from './withdrawn.step';

/** In the API's order (the order of the 400 body's fields follows it). */
export const DOSSIER_STEPS = [
  transferredStep,
  supplementRequestedStep,
  supplementReceivedStep,
  processedStep,
  resultReturnedStep,
  stoppedStep,
  withdrawnStep,
  apologyIssuedStep,
  inputDigitizedStep,
  resultIssuedElectronicallyStep,
  paymentRequestedStep,
  paidOnlineStep,
  paidOfflineStep,
  satisfactionRatedStep,
  syncedStep,
  correctionRecordedStep,
  statusSyncedStep,
] as const;

export type DossierStepType = (typeof DOSSIER_STEPS)[number]['type'];
/** The types `POST /api/dossiers/{code}/events` accepts (the system's own steps left out). */
export const DOSSIER_STEP_TYPES: readonly DossierStepType[] = DOSSIER_STEPS.filter((s) => !s.system).map(
  (s) => s.type,
);

const byType = new Map<string, DossierStep>(DOSSIER_STEPS.map((s) => [s.type, s]));
const byCommand = new Map<string, DossierStep>(DOSSIER_STEPS.map((s) => [s.command, s]));
const byEvent = new Map<string, DossierStep>(DOSSIER_STEPS.map((s) => [s.event, s]));

export const isDossierStepType = (type: unknown): type is DossierStepType =>
  typeof type === 'string' && byType.has(type);

export function dossierStep(type: DossierStepType): DossierStep<DossierStepType> {
  const step = byType.get(type);
  if (!step) throw new Error(`no dossier step type ${type}`);
  return step as DossierStep<DossierStepType>;
}
/** The step module of a command (undefined: the receipt or a system command). */
export const stepOfCommand = (type: string): DossierStep | undefined => byCommand.get(type);
/** The step module recording an event type (undefined: the receipt or a system event). */
export const stepOfEvent = (type: string): DossierStep | undefined => byEvent.get(type);

/** Labels of the events that are not steps: the receipt (its own route) and the system's records. */
const OTHER_EVENT_LABELS = {
  DossierReceived: { vi: 'Tiếp nhận hồ sơ', en: 'received' },
  DossierDueSoon: { vi: 'Sắp đến hạn', en: 'due soon' },
  DossierBecameOverdue: { vi: 'Quá hạn', en: 'overdue' },
  OverdueRetracted: { vi: 'Hủy ghi nhận quá hạn', en: 'overdue retracted' },
} as const satisfies Partial<Record<DossierEventType, StepLabels>>;

/** Every event type the dossier stream holds. */
export const DOSSIER_EVENT_TYPES: readonly DossierEventType[] = [
  'DossierReceived',
  ...DOSSIER_STEPS.map((s) => s.event),
  'DossierDueSoon',
  'DossierBecameOverdue',
  'OverdueRetracted',
];

/** The label of every event type of the dossier stream (the timeline's headings). */
export const DOSSIER_EVENT_LABELS: Readonly<Record<DossierEventType, StepLabels>> = Object.fromEntries(
  DOSSIER_EVENT_TYPES.map((t) => [
    t,
    stepOfEvent(t)?.labels ?? OTHER_EVENT_LABELS[t as keyof typeof OTHER_EVENT_LABELS],
  ]),
) as Record<DossierEventType, StepLabels>;

export type {
  DossierStep,
  FieldSpec,
  FieldSpecs,
  InputOf,
  StepContext,
  StepInput,
  StepLabels,
  StepNeed,
} from './step';
export * from './transferred.step';
export * from './supplement-requested.step';
export * from './supplement-received.step';
export * from './processed.step';
export * from './result-returned.step';
export * from './stopped.step';
export * from './withdrawn.step';
export * from './apology-issued.step';
export * from './input-digitized.step';
export * from './result-issued-electronically.step';
export * from './payment-requested.step';
export * from './paid-online.step';
export * from './paid-offline.step';
export * from './satisfaction-rated.step';
export * from './synced.step';
export * from './status-synced.step';
export * from './correction-recorded.step';
