// What 1.1–1.3 need of the publication decisions (SCORING.md "Procedure publication" and "Details of v2"),
// one record per decision item with its deadlines already over the working-day calendar, so that the
// scorecard compares numbers and GET /api/publications shows the same verdicts.
import type { WorkingCalendar } from '../calendar';
import { startOfDayMs } from '../calendar/instant';
import type { PublicationChange, PublicationState } from './publication.decider';

/** Working days between a decision and its basis taking effect (1.1), and to make it public (1.2). */
export const PUBLICATION_LEAD_WORKING_DAYS = 5;
export const MADE_PUBLIC_WITHIN_WORKING_DAYS = 5;

export type PublicationItemFacts = Readonly<{
  publicationId: string;
  decisionNo: string;
  procedureCode: string;
  change: PublicationChange;
  /** First instant (epoch ms) of decidedOn. */
  decidedAt: number;
  /** 1.1: decidedOn ≤ basisEffectiveOn − 5 working days. */
  decidedOnTime: boolean;
  /** First instant of decidedOn + 5 working days: 1.2's deadline. */
  madePublicBy: number;
  /** First instant of madePublicOn; null until made public. */
  madePublicAt: number | null;
}>;

/** The items of a decision with their deadlines over `calendar`. */
export function publicationItemsOf(
  state: PublicationState,
  calendar: WorkingCalendar,
): PublicationItemFacts[] {
  if (state.status === 'none') return [];
  const latestDecision = calendar.addWorkingDays(state.basisEffectiveOn, -PUBLICATION_LEAD_WORKING_DAYS);
  const decidedOnTime = state.decidedOn <= latestDecision;
  const madePublicBy = startOfDayMs(
    calendar.addWorkingDays(state.decidedOn, MADE_PUBLIC_WITHIN_WORKING_DAYS),
  );
  const decidedAt = startOfDayMs(state.decidedOn);
  return state.items.map((it) => {
    const on = state.madePublic[it.procedureCode];
    return {
      publicationId: state.publicationId,
      decisionNo: state.decisionNo,
      procedureCode: it.procedureCode,
      change: it.change,
      decidedAt,
      decidedOnTime,
      madePublicBy,
      madePublicAt: on === undefined ? null : startOfDayMs(on),
    };
  });
}

/** 1.2 at `end`: made public by its deadline; not yet made public at `end`, on time while the deadline is
 * still after `end`. */
export function madePublicOnTimeAt(item: PublicationItemFacts, end: number): boolean {
  const m = item.madePublicAt;
  return m !== null && m <= end ? m <= item.madePublicBy : item.madePublicBy > end;
}
