import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { feedbackError } from '../feedback.errors';
import {
  currentHolding,
  defineFeedbackStep,
  endHolding,
  notAfterEnd,
  violation,
  type FeedbackCommandMeta,
} from './step';

export type PublishFeedbackAnswer = Command<'PublishFeedbackAnswer', FeedbackCommandMeta>;
export type FeedbackAnswerPublished = Event<'FeedbackAnswerPublished', { occurredAt: Instant }>;

/** Đã công khai: the answer is made public (≤ 2 working days after it); the item finishes there. */
export const feedbackAnswerPublishedStep = defineFeedbackStep<
  PublishFeedbackAnswer,
  FeedbackAnswerPublished
>()({
  type: 'answer-published',
  labels: { vi: 'Đã công khai kết quả', en: 'answer published' },
  fields: {},
  command: 'PublishFeedbackAnswer',
  event: 'FeedbackAnswerPublished',
  toCommand: (_input, meta) => ({ type: 'PublishFeedbackAnswer', data: meta }),
  toEvent: ({ data }) => ({ type: 'FeedbackAnswerPublished', data: { occurredAt: data.occurredAt } }),
  once: 'STEP_ALREADY_RECORDED',
  apply: (v, e) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterEnd(h, 'publication');
    const answered = h.answeredAt !== null;
    if (answered && h.endedBy === null) {
      h.publishedAt = e.data.occurredAt;
      endHolding(h, 'published', e.data.occurredAt);
    }
    if (blocked) return blocked;
    return answered ? null : violation('ANSWER_NOT_RECORDED', 'an answer is published once it is recorded');
  },
});
