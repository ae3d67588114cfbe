// The facts of feedback items the scorecard needs (SCORING.md "Feedback" and "Details of v2"): per unit that
// held an item, its first receipt, when it finished for the unit, each step's instant and its deadline, so
// that on time at any `end` is the pure `feedbackOnTimeAt`; the item's ratings and repeat marking with their
// instants, so that "up to asOf" is a filter; the dossier it names. Instants are epoch ms. Derived from the
// decider's state (its timeline is in occurredAt order), so a late fact gives the same facts as the events
// in occurredAt order.
import { instantMs } from '../calendar/instant';
import type { RatingFact } from '../scoring/dossier-facts';
import { insertRating } from '../dossier/steps/facts-fold';
import { evolve, initialState } from './feedback.decider';
import type { FeedbackAbout, FeedbackEvent } from './feedback.events';
import type { FeedbackState } from './feedback.state';
import type { HoldingEnd } from './steps';

/** One unit's holding of an item: from its receipt (or the forwarding to it) until it finished for it. */
export type FeedbackUnitFacts = {
  id: string;
  unitId: string;
  /** Receipt by this unit: the item's receipt, or the instant it was forwarded to the unit. */
  receivedAt: number;
  /** When it finished for this unit (rejected, returned, forwarded away, answer published); null: not yet. */
  finishedAt: number | null;
  finishedBy: HoldingEnd | null;
  /** Deadlines from `receivedAt` (working days): rejected, returned or forwarded ≤ 2; first request for
   * information ≤ 5; answered ≤ 15. */
  rejectOrForwardBy: number;
  informationRequestBy: number;
  answerBy: number;
  /** When the unit rejected, returned or forwarded it (null: it did not). */
  rejectedOrForwardedAt: number | null;
  /** The first request for more information made while the unit held it. */
  firstInformationRequestAt: number | null;
  answeredAt: number | null;
  /** ≤ 2 working days after the answer (null: no answer). */
  publishBy: number | null;
  publishedAt: number | null;
};

export type FeedbackFacts = {
  id: string;
  /** The unit that first received it, and when. */
  unitId: string;
  receivedAt: number;
  about: FeedbackAbout;
  procedureCode: string | null;
  /** The dossier the item names (5.3 v2), whatever became of the item. */
  dossierCode: string | null;
  /** Every holding in order (a unit may appear twice if the item came back to it). */
  holdings: FeedbackUnitFacts[];
  /** Ascending by `at` (occurredAt); on equal instants an unsatisfied rating sorts last. */
  ratings: RatingFact[];
  /** Marked as a repeat of `repeatOf` at `repeatMarkedAt` (occurredAt); null: not marked. */
  repeatOf: string | null;
  repeatMarkedAt: number | null;
};

const ms = (x: string | null): number | null => (x === null ? null : instantMs(x));

/** The facts of an item as its decider state stands (null: never received). */
export function feedbackFactsOf(state: FeedbackState): FeedbackFacts | null {
  if (state.status === 'none') return null;
  return {
    id: state.id,
    unitId: state.unitId,
    receivedAt: instantMs(state.receivedAt, 'receivedAt'),
    about: state.about,
    procedureCode: state.procedureCode,
    dossierCode: state.dossierCode,
    holdings: state.holdings.map((h) => ({
      id: state.id,
      unitId: h.unitId,
      receivedAt: h.fromMs,
      finishedAt: ms(h.endedAt),
      finishedBy: h.endedBy,
      rejectOrForwardBy: instantMs(h.deadlines.rejectOrForwardBy),
      informationRequestBy: instantMs(h.deadlines.informationRequestBy),
      answerBy: instantMs(h.deadlines.answerBy),
      rejectedOrForwardedAt: h.endedBy === 'published' ? null : ms(h.endedAt),
      firstInformationRequestAt: ms(h.firstInformationRequestAt),
      answeredAt: ms(h.answeredAt),
      publishBy: ms(h.publishBy),
      publishedAt: ms(h.publishedAt),
    })),
    ratings: state.ratings.reduce<RatingFact[]>(
      (list, r) => insertRating(list, { at: instantMs(r.occurredAt), satisfied: r.satisfied }),
      [],
    ),
    repeatOf: state.repeat?.of ?? null,
    repeatMarkedAt: ms(state.repeat?.occurredAt ?? null),
  };
}

/** The facts of an item from its events (any recording order). */
export const feedbackFactsFromEvents = (events: readonly FeedbackEvent[]): FeedbackFacts | null =>
  feedbackFactsOf(events.reduce(evolve, initialState()));

/**
 * On time at `end` for the unit of this holding (SCORING.md "Feedback"): every step taken by `end` met its
 * deadline, and no deadline of a step still owed is before `end`. Owed: the answer (unless rejected,
 * returned or forwarded by `end`), then its publication. Rejecting, returning, forwarding and asking for
 * information are judged only when taken. Waiting for the sender does not stop the clock.
 */
export function feedbackOnTimeAt(h: FeedbackUnitFacts, endMs: number): boolean {
  return feedbackOnTimeMs(
    h.rejectedOrForwardedAt ?? NaN,
    h.rejectOrForwardBy,
    h.firstInformationRequestAt ?? NaN,
    h.informationRequestBy,
    h.answeredAt ?? NaN,
    h.answerBy,
    h.publishedAt ?? NaN,
    // Only read once answered, when it is set; a missing one compares as 0 (as `null < end` would).
    h.publishBy ?? 0,
    endMs,
  );
}

/** feedbackOnTimeAt on plain numbers, NaN for a step not taken: the scorecard's column count calls it for
 * every holding. */
export function feedbackOnTimeMs(
  rejectedOrForwardedAt: number,
  rejectOrForwardBy: number,
  firstInformationRequestAt: number,
  informationRequestBy: number,
  answeredAt: number,
  answerBy: number,
  publishedAt: number,
  publishBy: number,
  endMs: number,
): boolean {
  // `x <= endMs` is "taken by end" (false for NaN).
  const rejectedOrForwarded = rejectedOrForwardedAt <= endMs;
  if (rejectedOrForwarded && rejectedOrForwardedAt > rejectOrForwardBy) return false;
  if (firstInformationRequestAt <= endMs && firstInformationRequestAt > informationRequestBy) return false;
  if (rejectedOrForwarded) return true; // nothing else is owed
  if (!(answeredAt <= endMs)) return !(answerBy < endMs);
  if (answeredAt > answerBy) return false;
  if (publishedAt <= endMs) return publishedAt <= publishBy;
  return !(publishBy < endMs);
}

/** Handled by the unit in [start, end]: received at or before `end` and not finished for it before `start`. */
export const feedbackHandledIn = (h: FeedbackUnitFacts, startMs: number, endMs: number): boolean =>
  h.receivedAt <= endMs && !(h.finishedAt !== null && h.finishedAt < startMs);

/** The unit's first receipt of the item (null: the unit never held it). */
export function firstReceiptBy(facts: FeedbackFacts, unitId: string): number | null {
  const h = facts.holdings.find((x) => x.unitId === unitId);
  return h ? h.receivedAt : null;
}

/** Every unit that held the item (each once, in order of first receipt). */
export const feedbackUnits = (facts: FeedbackFacts): string[] => [
  ...new Set(facts.holdings.map((h) => h.unitId)),
];

/** Its last rating up to `asOf` was unsatisfied. */
export function ratedUnsatisfiedAt(facts: FeedbackFacts, asOfMs: number): boolean {
  let last: RatingFact | null = null;
  for (const r of facts.ratings) if (r.at <= asOfMs) last = r;
  return last !== null && !last.satisfied;
}

/** Marked as a repeat at or before `asOf`. */
export const markedRepeatAt = (facts: FeedbackFacts, asOfMs: number): boolean =>
  facts.repeatMarkedAt !== null && facts.repeatMarkedAt <= asOfMs;
