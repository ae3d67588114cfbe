// The dossier stream's storage contract. Type names are string literals and never change; data is JSON
// with ISO-8601 instants. Every event's data carries `occurredAt` (when it happened, as the clerk or the
// system states it); recording order and occurredAt order may differ (late facts, see PRODUCT.md).
import type { Instant, TimeLimit } from '../calendar';
import type { Event } from '../core/event-sourcing.types';

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
  }
>;
export type DossierTransferred = Event<
  'DossierTransferred',
  { occurredAt: Instant; fromUnitId: string; toUnitId: string; reason?: string }
>;
export type SupplementRequested = Event<'SupplementRequested', { occurredAt: Instant; reason: string }>;
export type SupplementReceived = Event<'SupplementReceived', { occurredAt: Instant }>;
export type DossierProcessed = Event<'DossierProcessed', { occurredAt: Instant; outcome: ProcessingOutcome }>;
export type ResultReturned = Event<'ResultReturned', { occurredAt: Instant }>;
export type DossierStopped = Event<'DossierStopped', { occurredAt: Instant; reason: string }>;
export type DossierWithdrawn = Event<'DossierWithdrawn', { occurredAt: Instant; reason?: string }>;
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
export type ApologyIssued = Event<
  'ApologyIssued',
  { occurredAt: Instant; reason: string; newDueAt: Instant; signedBy: string }
>;
export type InputDigitized = Event<
  'InputDigitized',
  { occurredAt: Instant; reused: boolean; fromPersonalStore: boolean; documents?: readonly string[] }
>;
export type ResultIssuedElectronically = Event<'ResultIssuedElectronically', { occurredAt: Instant }>;
export type PaymentRequested = Event<'PaymentRequested', { occurredAt: Instant; amount: number }>;
export type PaidOnline = Event<
  'PaidOnline',
  { occurredAt: Instant; amount: number; gateway: PaymentGateway }
>;
export type PaidOffline = Event<'PaidOffline', { occurredAt: Instant; amount: number }>;
export type SatisfactionRated = Event<'SatisfactionRated', { occurredAt: Instant; satisfied: boolean }>;
export type DossierSynced = Event<'DossierSynced', { occurredAt: Instant }>;
/** Facts are never overwritten: a correction is recorded beside them. */
export type CorrectionRecorded = Event<
  'CorrectionRecorded',
  { occurredAt: Instant; field: string; value: unknown; reason: string; approvedBy: string }
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
  | CorrectionRecorded;

export type DossierEventType = DossierEvent['type'];

export const DOSSIER_EVENT_TYPES: readonly DossierEventType[] = [
  'DossierReceived',
  'DossierTransferred',
  'SupplementRequested',
  'SupplementReceived',
  'DossierProcessed',
  'ResultReturned',
  'DossierStopped',
  'DossierWithdrawn',
  'DossierDueSoon',
  'DossierBecameOverdue',
  'OverdueRetracted',
  'ApologyIssued',
  'InputDigitized',
  'ResultIssuedElectronically',
  'PaymentRequested',
  'PaidOnline',
  'PaidOffline',
  'SatisfactionRated',
  'DossierSynced',
  'CorrectionRecorded',
];

export const dossierStreamName = (code: string): string => `dossier-${code}`;
