import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { feedbackError } from '../feedback.errors';
import { currentHolding, defineFeedbackStep, notAfterEnd, violation, type FeedbackCommandMeta } from './step';

export type ReceiveFeedbackInformation = Command<'ReceiveFeedbackInformation', FeedbackCommandMeta>;
export type FeedbackInformationReceived = Event<'FeedbackInformationReceived', { occurredAt: Instant }>;

/** Đã nhận thông tin bổ sung: the sender's answer to the open request. */
export const feedbackInformationReceivedStep = defineFeedbackStep<
  ReceiveFeedbackInformation,
  FeedbackInformationReceived
>()({
  type: 'information-received',
  labels: { vi: 'Đã nhận thông tin bổ sung', en: 'information received' },
  fields: {},
  command: 'ReceiveFeedbackInformation',
  event: 'FeedbackInformationReceived',
  toCommand: (_input, meta) => ({ type: 'ReceiveFeedbackInformation', data: meta }),
  toEvent: ({ data }) => ({ type: 'FeedbackInformationReceived', data: { occurredAt: data.occurredAt } }),
  apply: (v) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterEnd(h, 'information received');
    const open = v.informationOpenSince;
    v.informationOpenSince = null;
    if (blocked) return blocked;
    return open === null
      ? violation('NO_OPEN_INFORMATION_REQUEST', 'no request for information is open')
      : null;
  },
});
