import { defineEndingStep, type EndingCommand, type EndingEvent } from './ending.step';

export type RejectFeedback = EndingCommand<'RejectFeedback'>;
export type FeedbackRejected = EndingEvent<'FeedbackRejected'>;

/** Từ chối tiếp nhận: the unit refuses the item (≤ 2 working days); it ends there. */
export const feedbackRejectedStep = defineEndingStep({
  type: 'rejected',
  labels: { vi: 'Từ chối tiếp nhận', en: 'rejected' },
  command: 'RejectFeedback',
  event: 'FeedbackRejected',
  what: 'rejection',
});
