import type { Instant } from '../../calendar';
import { RECORD_ID_MAX, type Command, type Event } from '../../core/event-sourcing.types';
import { defineFeedbackStep, requireText, violation, type FeedbackCommandMeta } from './step';

export type MarkFeedbackRepeat = Command<'MarkFeedbackRepeat', FeedbackCommandMeta & { of: string }>;
export type FeedbackMarkedRepeat = Event<'FeedbackMarkedRepeat', { occurredAt: Instant; of: string }>;

/** Phản ánh trùng lặp: the item repeats an earlier one (counts against 5.2 from the marking on). */
export const feedbackMarkedRepeatStep = defineFeedbackStep<MarkFeedbackRepeat, FeedbackMarkedRepeat>()({
  type: 'marked-repeat',
  labels: { vi: 'Đánh dấu trùng lặp', en: 'marked as a repeat' },
  // The id of the item repeated: as long as any item's id may be.
  fields: { of: { kind: 'text', required: true, maxLength: RECORD_ID_MAX } },
  command: 'MarkFeedbackRepeat',
  event: 'FeedbackMarkedRepeat',
  toCommand: (input, meta) => ({ type: 'MarkFeedbackRepeat', data: { ...meta, of: input.of } }),
  toEvent: ({ data }) => {
    requireText(data.of, 'of');
    return { type: 'FeedbackMarkedRepeat', data: { occurredAt: data.occurredAt, of: data.of } };
  },
  once: 'STEP_ALREADY_RECORDED',
  apply: (v, e) => {
    if (v.received && e.data.of === v.received.id) {
      return violation('REPEAT_OF_ITSELF', 'an item cannot repeat itself');
    }
    if (v.repeat === null) v.repeat = { of: e.data.of, occurredAt: e.data.occurredAt };
    return null;
  },
});
