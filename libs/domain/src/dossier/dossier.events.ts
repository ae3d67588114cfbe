// The dossier stream's storage contract. Type names are string literals and never change; data is JSON
// with ISO-8601 instants. Every event's data carries `occurredAt` (when it happened, as the clerk or the
// system states it); recording order and occurredAt order may differ (late facts, see PRODUCT.md).
import type { Instant, TimeLimit } from '../calendar';
import type { Event } from '../core/event-sourcing.types';
import type {
  ApologyIssued,
  CorrectionRecorded,
  DossierProcessed,
  DossierStopped,
  DossierStatusSynced,
  DossierSynced,
  DossierTransferred,
  DossierWithdrawn,
  InputDigitized,
  PaidOffline,
  PaidOnline,
  PaymentRequested,
  ResultIssuedElectronically,
  ResultReturned,
  SatisfactionRated,
  SupplementReceived,
  SupplementRequested,
} from './steps';

export type Channel = 'in-person' | 'postal' | 'online';
/** Online level of a dossier received online: toàn trình (full) or một phần (partial). */
export type DossierOnlineLevel = 'full' | 'partial';
/** Online level a procedure offers. */
export type ProcedureOnlineLevel = 'none' | 'partial' | 'full';
export type ProcessingOutcome = 'approved' | 'denied';
export type PaymentGateway = 'national' | 'provincial';
export type DueSoonStage = 'due-soon-50' | 'due-soon-75' | 'apology-needed';
/** Why a recorded overdue turned out wrong: finished at or before that instant, its deadline was pushed
 * past it by a closed supplement interval, or a first supplement request was open at it (clock stopped). */
export type OverdueRetractionReason = 'finished-before-due' | 'deadline-moved' | 'deadline-suspended';

/** The procedure as it stood at receipt: a later catalogue change does not alter a received dossier. */
export type ProcedureSnapshot = Readonly<{
  name: string;
  timeLimit: TimeLimit;
  onlineLevel: ProcedureOnlineLevel;
  feeRequired: boolean;
  requiresWrittenResult: boolean;
  /** The procedure's code, field code and name on the national database (for the portal push). */
  nationalCode?: string;
  fieldCode?: string;
  fieldName?: string;
}>;

export type ApplicantKind = 'citizen' | 'organisation';
/** How the applicant's identity was established at receipt; vneid and population-database count for 6.5b. */
export type IdentifiedThrough = 'vneid' | 'population-database' | 'papers';
export const IDENTIFIED_THROUGH: readonly IdentifiedThrough[] = ['vneid', 'population-database', 'papers'];
/** What the receipt may say of the applicant (optional; the portal push carries it). */
export type ApplicantFacts = Readonly<{
  applicantName?: string;
  applicantKind?: ApplicantKind;
  summary?: string;
  /** Absent: unknown (not identified through VNeID or the population database). */
  identifiedThrough?: IdentifiedThrough;
}>;

export type DossierReceived = Event<
  'DossierReceived',
  {
    code: string;
    unitId: string;
    procedureCode: string;
    procedure: ProcedureSnapshot;
    channel: Channel;
    /** Present only when channel is 'online'. */
    onlineLevel?: DossierOnlineLevel;
    receivedAt: Instant;
    /** The original due date (ngày hẹn trả); never changes. */
    dueAt: Instant;
    feeAmount: number;
    /** Which calendar overrides computed dueAt (e.g. "2025:3,2026:1"). */
    calendarVersion: string;
    /** Equal to receivedAt. */
    occurredAt: Instant;
  } & ApplicantFacts
>;
/** System: an alert stage was reached. `dueAt` is the effective due instant the alert is for. */
export type DossierDueSoon = Event<
  'DossierDueSoon',
  { occurredAt: Instant; stage: DueSoonStage; dueAt: Instant }
>;
/** System: the effective due instant passed with the dossier unfinished. occurredAt = dueAt = that instant. */
export type DossierBecameOverdue = Event<'DossierBecameOverdue', { occurredAt: Instant; dueAt: Instant }>;
/** A late fact showed the overdue recorded for `dueAt` was wrong. occurredAt = the late fact's occurredAt. */
export type OverdueRetracted = Event<
  'OverdueRetracted',
  { occurredAt: Instant; dueAt: Instant; why: OverdueRetractionReason }
>;

export type DossierEvent =
  | DossierReceived
  | DossierTransferred
  | SupplementRequested
  | SupplementReceived
  | DossierProcessed
  | ResultReturned
  | DossierStopped
  | DossierWithdrawn
  | DossierDueSoon
  | DossierBecameOverdue
  | OverdueRetracted
  | ApologyIssued
  | InputDigitized
  | ResultIssuedElectronically
  | PaymentRequested
  | PaidOnline
  | PaidOffline
  | SatisfactionRated
  | DossierSynced
  | DossierStatusSynced
  | CorrectionRecorded;

export type DossierEventType = DossierEvent['type'];

export const dossierStreamName = (code: string): string => `dossier-${code}`;
