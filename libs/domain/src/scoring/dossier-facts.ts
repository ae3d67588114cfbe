// One compact, JSON-serialisable record per dossier: everything SCORING.md needs to judge the dossier for
// ANY asOf ("only events with occurredAt ≤ asOf exist"). Instants are epoch ms so the scorecard scan only
// compares numbers. The fold is order-insensitive (first-of = min, rounds and ratings kept sorted), so a
// late fact recorded out of occurredAt order yields the same facts as the events in occurredAt order.
import type { DossierEvent, DossierEventType, DossierOnlineLevel } from '../dossier/dossier.events';
import { instantMs } from '../calendar/instant';
import { DOSSIER_STEPS, stepOfEvent } from '../dossier/steps';
import { first } from '../dossier/steps/facts-fold';

/** A rating: when (epoch ms) and whether satisfied. */
export type RatingFact = { at: number; satisfied: boolean };

export type DossierFacts = {
  code: string;
  /** The receiving unit: the dossier counts for it (a transfer does not move it). '' until received. */
  unitId: string;
  procedureCode: string;
  /** From the procedure snapshot at receipt. */
  requiresWrittenResult: boolean;
  /** channel === 'online'. */
  online: boolean;
  onlineLevel: DossierOnlineLevel | null;
  /** null until DossierReceived is folded: such facts count nowhere. */
  receivedAt: number | null;
  /** The original due date; an apology's new date never changes it (nor the score). */
  dueAt: number | null;
  /** First of processed / returned / stopped / withdrawn by occurredAt. */
  finishedAt: number | null;
  /** Supplement requests and receipts, each ascending; round i is [requested[i], received[i] ?? open]. */
  supplementRequestedAt: number[];
  supplementReceivedAt: number[];
  /** First occurredAt of each kind of event (null: none yet). */
  syncedAt: number | null;
  digitizedAt: number | null;
  reusedAt: number | null;
  personalStoreAt: number | null;
  eResultAt: number | null;
  paidOnlineAt: number | null;
  /** When the dossier got a fee: receipt if feeAmount > 0, else the first PaymentRequested with amount > 0. */
  feeAt: number | null;
  /** Ascending by `at`; on equal instants an unsatisfied rating sorts last (see evolveFacts). */
  ratings: RatingFact[];
  /** The applicant was identified through VNeID or the population database at receipt (6.5b, 6.5c). */
  identified?: boolean;
};

export const initialFacts = (code: string): DossierFacts => ({
  code,
  unitId: '',
  procedureCode: '',
  requiresWrittenResult: false,
  online: false,
  onlineLevel: null,
  receivedAt: null,
  dueAt: null,
  finishedAt: null,
  supplementRequestedAt: [],
  supplementReceivedAt: [],
  syncedAt: null,
  digitizedAt: null,
  reusedAt: null,
  personalStoreAt: null,
  eResultAt: null,
  paidOnlineAt: null,
  feeAt: null,
  ratings: [],
});

/** The event types that change facts: a projection's `canHandle`. The receipt and every step whose module
 * declares a facts fold; the others (transfers, apologies, alerts, overdue records and retractions, offline
 * payments, corrections) do not affect method v1. */
export const DOSSIER_FACTS_EVENT_TYPES: readonly DossierEventType[] = [
  'DossierReceived',
  ...DOSSIER_STEPS.filter((s) => s.facts !== null).map((s) => s.event),
];

export const canHandleFacts = (type: string): boolean =>
  (DOSSIER_FACTS_EVENT_TYPES as readonly string[]).includes(type);

/**
 * Pure: the facts after one event. Applied in recording order by the projection; the result does not
 * depend on that order. CorrectionRecorded is kept in the stream for the record but changes no fact in
 * method v1 (a correction's field/value is free text; scoring it is a later method version's decision).
 */
export function evolveFacts(facts: DossierFacts, event: DossierEvent): DossierFacts {
  if (event.type === 'DossierReceived') {
    const d = event.data;
    const receivedAt = instantMs(d.receivedAt, 'receivedAt');
    return {
      ...facts,
      code: d.code,
      unitId: d.unitId,
      procedureCode: d.procedureCode,
      requiresWrittenResult: d.procedure.requiresWrittenResult,
      online: d.channel === 'online',
      onlineLevel: d.channel === 'online' ? (d.onlineLevel ?? null) : null,
      receivedAt,
      dueAt: instantMs(d.dueAt, 'dueAt'),
      feeAt: d.feeAmount > 0 ? first(facts.feeAt, receivedAt) : facts.feeAt,
      ...(d.identifiedThrough === 'vneid' || d.identifiedThrough === 'population-database'
        ? { identified: true }
        : {}),
    };
  }
  const fold = stepOfEvent(event.type)?.facts;
  return fold ? fold(facts, event, at(event)) : facts;
}

const at = (event: DossierEvent): number => instantMs(event.data.occurredAt);

/** Fold a dossier's events (in any order) into facts. */
export const factsOf = (code: string, events: readonly DossierEvent[]): DossierFacts =>
  events.reduce(evolveFacts, initialFacts(code));
