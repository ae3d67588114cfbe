// What a clerk, a supervisor or the system asks of a dossier. Time and outside facts arrive here:
// `occurredAt` is what the requester states, `now` the recording instant from the clock, `calendar` the
// working-day calendar where a rule needs working days. The decider never reads a clock. Each step's command
// is declared by its module in ./steps; the receipt and the system's commands here.
import type { Instant, WorkingCalendar } from '../calendar';
import type { Actor, Command } from '../core/event-sourcing.types';
import type {
  ApplicantFacts,
  Channel,
  DossierOnlineLevel,
  DueSoonStage,
  ProcedureSnapshot,
} from './dossier.events';
import type {
  IssueApology,
  ReceiveSupplement,
  RecordCorrection,
  RecordElectronicResult,
  RecordInputDigitized,
  RecordOfflinePayment,
  RecordOnlinePayment,
  RecordProcessing,
  RecordSatisfaction,
  RecordStatusSync,
  RecordSync,
  RequestPayment,
  RequestSupplement,
  ReturnResult,
  StopDossier,
  TransferDossier,
  WithdrawDossier,
} from './steps';

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
  } & ApplicantFacts
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
  | RecordStatusSync
  | RecordCorrection
  | FlagDueSoon
  | FlagOverdue;

export type DossierCommandType = DossierCommand['type'];
