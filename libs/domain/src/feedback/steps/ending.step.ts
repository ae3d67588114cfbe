// The steps by which the unit holding an item ends it with a reason instead of an answer (rejected,
// returned): the same rule under other names, so each of their modules is this factory's call.
import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import { REASON, type StepLabels } from '../../dossier/steps/step';
import { feedbackError } from '../feedback.errors';
import {
  currentHolding,
  defineFeedbackStep,
  endHolding,
  notAfterAnswer,
  requireText,
  type FeedbackCommandMeta,
  type FeedbackStep,
  type HoldingEnd,
} from './step';

export type EndingCommand<C extends string> = Command<C, FeedbackCommandMeta & { reason: string }>;
export type EndingEvent<E extends string> = Event<E, { occurredAt: Instant; unitId: string; reason: string }>;

/**
 * A step that ends the item for the unit holding it, with a reason, before any answer. Its event carries
 * the unit that ended it, as the timeline says at that instant; `what` names the step in a refusal.
 */
export const defineEndingStep = <const T extends HoldingEnd, const C extends string, const E extends string>(
  def: Readonly<{ type: T; labels: StepLabels; command: C; event: E; what: string }>,
): FeedbackStep<T> =>
  defineFeedbackStep<EndingCommand<C>, EndingEvent<E>>()({
    type: def.type,
    labels: def.labels,
    fields: { reason: REASON },
    command: def.command,
    event: def.event,
    toCommand: (input, meta) => ({ type: def.command, data: { ...meta, reason: input.reason } }),
    toEvent: ({ data }) => {
      requireText(data.reason, 'reason');
      return { type: def.event, data: { occurredAt: data.occurredAt, unitId: '', reason: data.reason } };
    },
    derivedKeys: ['unitId'],
    complete: (e, before) => ({ ...e, data: { ...e.data, unitId: currentHolding(before)?.unitId ?? '' } }),
    apply: (v, e) => {
      const h = currentHolding(v);
      if (!h) throw feedbackError('FEEDBACK_NOT_FOUND', 'no feedback item');
      const blocked = notAfterAnswer(h, def.what);
      endHolding(h, def.type, e.data.occurredAt);
      return blocked;
    },
  });
