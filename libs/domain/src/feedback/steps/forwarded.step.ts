import type { Instant, WorkingCalendar } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { OPTIONAL_REASON, optional } from '../../dossier/steps/step';
import { feedbackDeadlines } from '../feedback.deadlines';
import { feedbackError } from '../feedback.errors';
import type { FeedbackDeadlines } from '../feedback.events';
import {
  currentHolding,
  defineFeedbackStep,
  endHolding,
  openHolding,
  notAfterAnswer,
  requireCalendar,
  requireText,
  violation,
  type FeedbackCommandMeta,
} from './step';

export type ForwardFeedback = Command<
  'ForwardFeedback',
  FeedbackCommandMeta & { toUnitId: string; reason?: string; calendar: WorkingCalendar }
>;
export type FeedbackForwarded = Event<
  'FeedbackForwarded',
  {
    occurredAt: Instant;
    fromUnitId: string;
    toUnitId: string;
    reason?: string;
    /** The receiving unit's deadlines, counted from the forwarding instant. */
    deadlines: FeedbackDeadlines;
  }
>;

/** Chuyển đơn vị có thẩm quyền: the item ends for this unit (≤ 2 working days) and the receiving unit
 * takes it over, with deadlines of its own from the forwarding instant. */
export const feedbackForwardedStep = defineFeedbackStep<ForwardFeedback, FeedbackForwarded>()({
  type: 'forwarded',
  labels: { vi: 'Chuyển đơn vị có thẩm quyền', en: 'forwarded' },
  fields: { toUnitId: { kind: 'unit-id', required: true }, reason: OPTIONAL_REASON },
  needsCalendar: true,
  command: 'ForwardFeedback',
  event: 'FeedbackForwarded',
  toCommand: (input, meta, context) => ({
    type: 'ForwardFeedback',
    data: {
      ...meta,
      toUnitId: input.toUnitId,
      ...optional('reason', input.reason),
      calendar: requireCalendar(context.calendar),
    },
  }),
  toEvent: ({ data }) => {
    requireText(data.toUnitId, 'toUnitId');
    return {
      type: 'FeedbackForwarded',
      data: {
        occurredAt: data.occurredAt,
        fromUnitId: '',
        toUnitId: data.toUnitId,
        ...optional('reason', data.reason),
        deadlines: feedbackDeadlines(data.occurredAt, data.calendar),
      },
    };
  },
  // Computed from the lifecycle and the calendar: a repeat is told by where and when it went.
  derivedKeys: ['fromUnitId', 'deadlines'],
  complete: (e, before) => ({ ...e, data: { ...e.data, fromUnitId: currentHolding(before)?.unitId ?? '' } }),
  apply: (v, e, atMs) => {
    const h = currentHolding(v);
    if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
    const blocked = notAfterAnswer(h, 'forwarding');
    const same = h.unitId === e.data.toUnitId;
    endHolding(h, 'forwarded', e.data.occurredAt);
    v.informationOpenSince = null;
    v.holdings.push(openHolding(e.data.toUnitId, e.data.occurredAt, atMs, e.data.deadlines));
    if (blocked) return blocked;
    return same ? violation('FORWARD_TO_SAME_UNIT', `the item is already at unit ${e.data.toUnitId}`) : null;
  },
});
