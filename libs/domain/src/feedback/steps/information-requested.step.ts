import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { REASON } from '../../dossier/steps/step';
import { feedbackError } from '../feedback.errors';
import {
  currentHolding,
  defineFeedbackStep,
  notAfterAnswer,
  requireText,
  violation,
  type FeedbackCommandMeta,
} from './step';

export type RequestFeedbackInformation = Command<
  'RequestFeedbackInformation',
  FeedbackCommandMeta & { reason: string }
>;
export type FeedbackInformationRequested = Event<
  'FeedbackInformationRequested',
  { occurredAt: Instant; reason: string }
>;

/** Đề nghị bổ sung thông tin: asks the sender for more; the first such request of a unit is due ≤ 5 working
 * days. Waiting for the sender does not stop the clock. */
export const feedbackInformationRequestedStep = defineFeedbackStep<
  RequestFeedbackInformation,
  FeedbackInformationRequested
>()({
  type: 'information-requested',
  labels: { vi: 'Đề nghị bổ sung thông tin', en: 'information requested' },
  fields: { reason: REASON },
  command: 'RequestFeedbackInformation',
  event: 'FeedbackInformationRequested',
  toCommand: (input, meta) => ({
    type: 'RequestFeedbackInformation',
    data: { ...meta, reason: input.reason },
  }),
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    return {
      type: 'FeedbackInformationRequested',
      data: { occurredAt: data.occurredAt, reason: data.reason },
    };
  },
  apply: (v, e) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterAnswer(h, 'information request');
    const open = v.informationOpenSince;
    if (h.firstInformationRequestAt === null) h.firstInformationRequestAt = e.data.occurredAt;
    if (open === null) v.informationOpenSince = e.data.occurredAt;
    if (blocked) return blocked;
    return open !== null
      ? violation('INFORMATION_REQUEST_OPEN', `a request for information is open since ${open}`)
      : null;
  },
});
