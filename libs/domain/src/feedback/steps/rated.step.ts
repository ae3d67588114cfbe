import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { feedbackError } from '../feedback.errors';
import { defineFeedbackStep, violation, type FeedbackCommandMeta } from './step';

export type RateFeedback = Command<'RateFeedback', FeedbackCommandMeta & { satisfied: boolean }>;
export type FeedbackRated = Event<'FeedbackRated', { occurredAt: Instant; satisfied: boolean }>;

/** Đánh giá: the sender rates the handling once it had an answer (or a refusal); the latest counts, for
 * every unit that held the item. */
export const feedbackRatedStep = defineFeedbackStep<RateFeedback, FeedbackRated>()({
  type: 'rated',
  labels: { vi: 'Đánh giá kết quả xử lý', en: 'rated' },
  fields: { satisfied: { kind: 'boolean', required: true } },
  command: 'RateFeedback',
  event: 'FeedbackRated',
  toCommand: (input, meta) => ({ type: 'RateFeedback', data: { ...meta, satisfied: input.satisfied } }),
  toEvent: ({ data }) => {
    if (typeof data.satisfied !== 'boolean') {
      throw feedbackError('MISSING_FIELD', 'satisfied must be true or false', { field: 'satisfied' });
    }
    return { type: 'FeedbackRated', data: { occurredAt: data.occurredAt, satisfied: data.satisfied } };
  },
  apply: (v, e) => {
    const handled = v.holdings.some(
      (h) => h.answeredAt !== null || h.endedBy === 'rejected' || h.endedBy === 'returned',
    );
    v.ratings.push({ satisfied: e.data.satisfied, occurredAt: e.data.occurredAt });
    return handled ? null : violation('RATING_BEFORE_ANSWER', 'a rating needs an answer or a refusal');
  },
});
