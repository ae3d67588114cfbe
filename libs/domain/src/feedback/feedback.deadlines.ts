// The feedback deadlines (SCORING.md "Feedback"), each computed as a dossier's due date for a time limit of
// that many working days over the working-day calendar: from the unit's receipt (or the forwarding to it),
// and the publication from the answer.
import { computeDueAt, type Instant, type WorkingCalendar } from '../calendar';
import type { FeedbackDeadlines } from './feedback.events';

export const FEEDBACK_WORKING_DAYS = Object.freeze({
  rejectOrForward: 2,
  informationRequest: 5,
  answer: 15,
  publish: 2,
});

const after = (from: Instant, days: number, calendar: WorkingCalendar): Instant =>
  computeDueAt(from, { value: days, unit: 'working-days' }, calendar);

/** The deadlines of a unit that receives the item at `from`. */
export function feedbackDeadlines(from: Instant, calendar: WorkingCalendar): FeedbackDeadlines {
  return {
    rejectOrForwardBy: after(from, FEEDBACK_WORKING_DAYS.rejectOrForward, calendar),
    informationRequestBy: after(from, FEEDBACK_WORKING_DAYS.informationRequest, calendar),
    answerBy: after(from, FEEDBACK_WORKING_DAYS.answer, calendar),
  };
}

/** The answer is published ≤ 2 working days after it. */
export const publishDeadline = (answeredAt: Instant, calendar: WorkingCalendar): Instant =>
  after(answeredAt, FEEDBACK_WORKING_DAYS.publish, calendar);
