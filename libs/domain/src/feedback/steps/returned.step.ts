import { defineEndingStep, type EndingCommand, type EndingEvent } from './ending.step';

export type ReturnFeedback = EndingCommand<'ReturnFeedback'>;
export type FeedbackReturned = EndingEvent<'FeedbackReturned'>;

/** Trả lại: returned to the sender as outside the unit's competence (≤ 2 working days); it ends there. */
export const feedbackReturnedStep = defineEndingStep({
  type: 'returned',
  labels: { vi: 'Trả lại', en: 'returned' },
  command: 'ReturnFeedback',
  event: 'FeedbackReturned',
  what: 'return',
});
