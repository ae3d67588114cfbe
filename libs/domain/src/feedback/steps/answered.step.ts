import type { Instant, WorkingCalendar } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { publishDeadline } from '../feedback.deadlines';
import { feedbackError } from '../feedback.errors';
import {
  currentHolding,
  defineFeedbackStep,
  notAfterAnswer,
  requireCalendar,
  requireText,
  type FeedbackCommandMeta,
} from './step';

export type AnswerFeedback = Command<
  'AnswerFeedback',
  FeedbackCommandMeta & { summary: string; calendar: WorkingCalendar }
>;
export type FeedbackAnswered = Event<
  'FeedbackAnswered',
  {
    occurredAt: Instant;
    unitId: string;
    summary: string;
    /** The answer is published ≤ 2 working days after it. */
    publishBy: Instant;
  }
>;

/** Đã xử lý, chờ công khai: the unit's answer (≤ 15 working days from its receipt). An open request for
 * information closes with it. */
export const feedbackAnsweredStep = defineFeedbackStep<AnswerFeedback, FeedbackAnswered>()({
  type: 'answered',
  labels: { vi: 'Đã trả lời (chờ công khai)', en: 'answered' },
  fields: { summary: { kind: 'text', required: true, maxLength: 4000 } },
  needsCalendar: true,
  command: 'AnswerFeedback',
  event: 'FeedbackAnswered',
  toCommand: (input, meta, context) => ({
    type: 'AnswerFeedback',
    data: { ...meta, summary: input.summary, calendar: requireCalendar(context.calendar) },
  }),
  toEvent: ({ data }) => {
    requireText(data.summary, 'summary');
    return {
      type: 'FeedbackAnswered',
      data: {
        occurredAt: data.occurredAt,
        unitId: '',
        summary: data.summary,
        publishBy: publishDeadline(data.occurredAt, data.calendar),
      },
    };
  },
  once: 'ALREADY_ANSWERED',
  derivedKeys: ['unitId', 'publishBy'],
  complete: (e, before) => ({ ...e, data: { ...e.data, unitId: currentHolding(before)?.unitId ?? '' } }),
  apply: (v, e) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterAnswer(h, 'answer');
    if (h.answeredAt === null && h.endedBy === null) {
      h.answeredAt = e.data.occurredAt;
      h.publishBy = e.data.publishBy;
      v.answer = e.data.summary;
      v.informationOpenSince = null;
    }
    return blocked;
  },
});
