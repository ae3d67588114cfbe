import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { REASON } from '../../dossier/steps/step';
import { feedbackError } from '../feedback.errors';
import {
  currentHolding,
  defineFeedbackStep,
  endHolding,
  notAfterAnswer,
  requireText,
  type FeedbackCommandMeta,
} from './step';

export type RejectFeedback = Command<'RejectFeedback', FeedbackCommandMeta & { reason: string }>;
export type FeedbackRejected = Event<
  'FeedbackRejected',
  { occurredAt: Instant; unitId: string; reason: string }
>;

/** Từ chối tiếp nhận: the unit refuses the item (≤ 2 working days); it ends there. */
export const feedbackRejectedStep = defineFeedbackStep<RejectFeedback, FeedbackRejected>()({
  type: 'rejected',
  labels: { vi: 'Từ chối tiếp nhận', en: 'rejected' },
  fields: { reason: REASON },
  command: 'RejectFeedback',
  event: 'FeedbackRejected',
  toCommand: (input, meta) => ({ type: 'RejectFeedback', data: { ...meta, reason: input.reason } }),
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    return {
      type: 'FeedbackRejected',
      data: { occurredAt: data.occurredAt, unitId: '', reason: data.reason },
    };
  },
  // The unit that refused, as the timeline says at that instant.
  derivedKeys: ['unitId'],
  complete: (e, before) => ({ ...e, data: { ...e.data, unitId: currentHolding(before)?.unitId ?? '' } }),
  apply: (v, e) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterAnswer(h, 'rejection');
    endHolding(h, 'rejected', e.data.occurredAt);
    return blocked;
  },
});
