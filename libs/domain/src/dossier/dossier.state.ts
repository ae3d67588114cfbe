// The dossier as the decider, GET /api/dossiers/{code} and the alert scheduler see it. Everything here is
// derived from the events in occurredAt order (not recording order), so a late fact lands where it
// happened. Nothing depends on the stream revision.
import type { Instant } from '../calendar';
import type { TimelineEntry as CoreTimelineEntry } from '../core/timeline';
import type {
  Channel,
  DossierEvent,
  DossierOnlineLevel,
  DueSoonStage,
  PaymentGateway,
  ProcedureSnapshot,
  ProcessingOutcome,
} from './dossier.events';

export type DossierStatus =
  'received' | 'awaiting-supplement' | 'processed' | 'returned' | 'stopped' | 'withdrawn';
export type FinishingStep = 'processed' | 'returned' | 'stopped' | 'withdrawn';

/** One supplement round (Mẫu 02): requested, then received (closed) or still open. */
export type SupplementRound = Readonly<{ requestedAt: Instant; reason: string; receivedAt: Instant | null }>;

/** A non-system event placed on the occurredAt timeline. `seq` is its recording index in the stream
 * (ties in occurredAt keep recording order). */
export type TimelineEntry = CoreTimelineEntry<DossierEvent>;

export type OverdueRecord = Readonly<{ dueAt: Instant; retracted: boolean }>;
export type DueSoonRecord = Readonly<{ stage: DueSoonStage; dueAt: Instant; occurredAt: Instant }>;
export type PaymentRecord = Readonly<{
  kind: 'online' | 'offline';
  amount: number;
  gateway?: PaymentGateway;
  occurredAt: Instant;
}>;
export type ApologyRecord = Readonly<{
  occurredAt: Instant;
  reason: string;
  newDueAt: Instant;
  signedBy: string;
}>;
export type CorrectionRecord = Readonly<{
  occurredAt: Instant;
  field: string;
  value: unknown;
  reason: string;
  approvedBy: string;
}>;

export type NoDossier = Readonly<{ status: 'none' }>;

export type Dossier = Readonly<{
  status: DossierStatus;
  code: string;
  /** The receiving unit: the dossier counts for it. */
  unitId: string;
  /** Where the dossier is now, after transfers. */
  currentUnitId: string;
  procedureCode: string;
  procedure: ProcedureSnapshot;
  channel: Channel;
  onlineLevel: DossierOnlineLevel | null;
  receivedAt: Instant;
  /** The original due date; never changes (the score judges against it). */
  dueAt: Instant;
  /** The apology's new date, if any. */
  rescheduledDueAt: Instant | null;
  /** dueAt pushed back by the closed supplement intervals that began before it: what the overdue alarm is
   * for. While a first supplement request is open the clock is stopped (status 'awaiting-supplement'). */
  effectiveDueAt: Instant;
  feeAmount: number;
  calendarVersion: string;

  supplementRequests: number;
  openSupplement: SupplementRound | null;
  /** All rounds in occurredAt order. */
  supplements: readonly SupplementRound[];
  /** Sum of closed supplement intervals, ms. */
  supplementMs: number;

  /** A DossierBecameOverdue that was not retracted exists. */
  overdue: boolean;
  /** The instant of that overdue (its effective due), or null. */
  overdueAt: Instant | null;
  overdues: readonly OverdueRecord[];
  dueSoon: readonly DueSoonRecord[];
  apology: ApologyRecord | null;

  /** First of processed / returned / stopped / withdrawn by occurredAt. */
  finishedAt: Instant | null;
  finishedBy: FinishingStep | null;
  outcome: ProcessingOutcome | null;
  processedAt: Instant | null;
  returnedAt: Instant | null;
  /** SCORING.md's on-time rule at finishedAt; null while unfinished. */
  onTime: boolean | null;

  hasFee: boolean;
  paymentRequestedAmount: number;
  payments: readonly PaymentRecord[];
  paidOnline: boolean;
  paidOffline: boolean;

  inputDigitized: boolean;
  reusedData: boolean;
  fromPersonalStore: boolean;
  resultIssuedElectronically: boolean;

  /** The latest rating by occurredAt. */
  rating: Readonly<{ satisfied: boolean; occurredAt: Instant }> | null;
  synced: boolean;
  lastSyncedAt: Instant | null;
  corrections: readonly CorrectionRecord[];

  /** Non-system events in occurredAt order (the history a reader sees, minus actor metadata). */
  timeline: readonly TimelineEntry[];
  /** Number of events folded (recording order counter). */
  eventCount: number;
}>;

export type DossierState = NoDossier | Dossier;

export const isDossier = (state: DossierState): state is Dossier => state.status !== 'none';
