// What a clerk, a supervisor or the system asks of a dossier. Time and outside facts arrive here:
// `occurredAt` is what the requester states, `now` the recording instant from the clock, `calendar` the
// working-day calendar where a rule needs working days. The decider never reads a clock.
import type { Instant, WorkingCalendar } from '../calendar';
import type { Actor, Command } from '../core/event-sourcing.types';
import type {
  Channel,
  DossierOnlineLevel,
  DueSoonStage,
  PaymentGateway,
  ProcedureSnapshot,
  ProcessingOutcome,
} from './dossier.events';

export type CommandMeta = { occurredAt: Instant; now: Instant; actor: Actor };
/** The system's alert commands: only `now` matters (occurredAt, when given, is ignored). */
export type SystemCommandMeta = { now: Instant; actor: Actor; occurredAt?: Instant };

export type ReceiveDossier = Command<
  'ReceiveDossier',
  CommandMeta & {
    code: string;
    unitId: string;
    procedureCode: string;
    procedure: ProcedureSnapshot;
    channel: Channel;
    /** Required for channel 'online', absent otherwise. */
    onlineLevel?: DossierOnlineLevel;
    /** Must equal occurredAt. */
    receivedAt: Instant;
    /** Given by an upstream system; else computed with computeDueAt over `calendar`. */
    dueAt?: Instant;
    feeAmount: number;
    calendar: WorkingCalendar;
    calendarVersion: string;
  }
>;
export type TransferDossier = Command<'TransferDossier', CommandMeta & { toUnitId: string; reason?: string }>;
export type RequestSupplement = Command<'RequestSupplement', CommandMeta & { reason: string }>;
export type ReceiveSupplement = Command<'ReceiveSupplement', CommandMeta>;
export type RecordProcessing = Command<'RecordProcessing', CommandMeta & { outcome: ProcessingOutcome }>;
export type ReturnResult = Command<'ReturnResult', CommandMeta>;
export type StopDossier = Command<'StopDossier', CommandMeta & { reason: string }>;
export type WithdrawDossier = Command<'WithdrawDossier', CommandMeta & { reason?: string }>;
export type IssueApology = Command<
  'IssueApology',
  CommandMeta & { reason: string; newDueAt: Instant; signedBy: string; calendar: WorkingCalendar }
>;
export type RecordInputDigitized = Command<
  'RecordInputDigitized',
  CommandMeta & { reused?: boolean; fromPersonalStore?: boolean; documents?: readonly string[] }
>;
export type RecordElectronicResult = Command<'RecordElectronicResult', CommandMeta>;
export type RequestPayment = Command<'RequestPayment', CommandMeta & { amount: number }>;
export type RecordOnlinePayment = Command<
  'RecordOnlinePayment',
  CommandMeta & { amount: number; gateway: PaymentGateway }
>;
export type RecordOfflinePayment = Command<'RecordOfflinePayment', CommandMeta & { amount: number }>;
export type RecordSatisfaction = Command<'RecordSatisfaction', CommandMeta & { satisfied: boolean }>;
export type RecordSync = Command<'RecordSync', CommandMeta>;
export type RecordCorrection = Command<
  'RecordCorrection',
  CommandMeta & { field: string; value: unknown; reason: string; approvedBy: string }
>;
/** System (alert job): records DossierDueSoon only if still true at `now`. `dueAt`, when given, is the
 * effective due instant the job was scheduled for: if the deadline has moved since, nothing happens. */
export type FlagDueSoon = Command<
  'FlagDueSoon',
  SystemCommandMeta & { stage: DueSoonStage; dueAt?: Instant }
>;
/** System (deadline job or sweep): records DossierBecameOverdue, dated at the effective due instant. */
export type FlagOverdue = Command<'FlagOverdue', SystemCommandMeta & { dueAt?: Instant }>;

export type DossierCommand =
  | ReceiveDossier
  | TransferDossier
  | RequestSupplement
  | ReceiveSupplement
  | RecordProcessing
  | ReturnResult
  | StopDossier
  | WithdrawDossier
  | IssueApology
  | RecordInputDigitized
  | RecordElectronicResult
  | RequestPayment
  | RecordOnlinePayment
  | RecordOfflinePayment
  | RecordSatisfaction
  | RecordSync
  | RecordCorrection
  | FlagDueSoon
  | FlagOverdue;

export type DossierCommandType = DossierCommand['type'];
