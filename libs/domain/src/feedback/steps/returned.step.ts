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

export type ReturnFeedback = Command<'ReturnFeedback', FeedbackCommandMeta & { reason: string }>;
export type FeedbackReturned = Event<
  'FeedbackReturned',
  { occurredAt: Instant; unitId: string; reason: string }
>;

/** Trả lại: returned to the sender as outside the unit's competence (≤ 2 working days); it ends there. */
export const feedbackReturnedStep = defineFeedbackStep<ReturnFeedback, FeedbackReturned>()({
  type: 'returned',
  labels: { vi: 'Trả lại', en: 'returned' },
  fields: { reason: REASON },
  command: 'ReturnFeedback',
  event: 'FeedbackReturned',
  toCommand: (input, meta) => ({ type: 'ReturnFeedback', data: { ...meta, reason: input.reason } }),
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    return {
      type: 'FeedbackReturned',
      data: { occurredAt: data.occurredAt, unitId: '', reason: data.reason },
    };
  },
  // The unit that returned it, as the timeline says at that instant.
  derivedKeys: ['unitId'],
  complete: (e, before) => ({ ...e, data: { ...e.data, unitId: currentHolding(before)?.unitId ?? '' } }),
  apply: (v, e) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterAnswer(h, 'return');
    endHolding(h, 'returned', e.data.occurredAt);
    return blocked;
  },
});
