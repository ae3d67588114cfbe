// The feedback's step types, one module each. The API's validation, the decider's per-step rules, the
// timeline and the pages' labels read this list.
import { feedbackAnswerPublishedStep } from './answer-published.step';
import { feedbackAnsweredStep } from './answered.step';
import { feedbackForwardedStep } from './forwarded.step';
import { feedbackInformationReceivedStep } from './information-received.step';
import { feedbackInformationRequestedStep } from './information-requested.step';
import { feedbackMarkedRepeatStep } from './marked-repeat.step';
import { feedbackRatedStep } from './rated.step';
import { feedbackRejectedStep } from './rejected.step';
import { feedbackReturnedStep } from './returned.step';
import type { FeedbackStep } from './step';

/** In the API's order. */
export const FEEDBACK_STEPS = [
  feedbackRejectedStep,
  feedbackReturnedStep,
  feedbackForwardedStep,
  feedbackInformationRequestedStep,
  feedbackInformationReceivedStep,
  feedbackAnsweredStep,
  feedbackAnswerPublishedStep,
  feedbackRatedStep,
  feedbackMarkedRepeatStep,
] as const;

export type FeedbackStepType = (typeof FEEDBACK_STEPS)[number]['type'];
export const FEEDBACK_STEP_TYPES: readonly FeedbackStepType[] = FEEDBACK_STEPS.map((s) => s.type);

const byType = new Map<string, FeedbackStep>(FEEDBACK_STEPS.map((s) => [s.type, s]));
const byCommand = new Map<string, FeedbackStep>(FEEDBACK_STEPS.map((s) => [s.command, s]));
const byEvent = new Map<string, FeedbackStep>(FEEDBACK_STEPS.map((s) => [s.event, s]));

export const isFeedbackStepType = (type: unknown): type is FeedbackStepType =>
  typeof type === 'string' && byType.has(type);
export function feedbackStep(type: FeedbackStepType): FeedbackStep<FeedbackStepType> {
  const step = byType.get(type);
  if (!step) throw new Error(`no feedback step type ${type}`);
  return step as FeedbackStep<FeedbackStepType>;
}
export const feedbackStepOfCommand = (type: string): FeedbackStep | undefined => byCommand.get(type);
export const feedbackStepOfEvent = (type: string): FeedbackStep | undefined => byEvent.get(type);

/** Labels of the events that are not steps. */
export const FEEDBACK_OTHER_EVENT_LABELS = {
  FeedbackReceived: { vi: 'Tiếp nhận phản ánh, kiến nghị', en: 'received' },
  FeedbackDueSoon: { vi: 'Sắp đến hạn', en: 'due soon' },
  FeedbackBecameOverdue: { vi: 'Quá hạn', en: 'overdue' },
  FeedbackOverdueRetracted: { vi: 'Hủy ghi nhận quá hạn', en: 'overdue retracted' },
} as const;

export {
  currentHolding,
  emptyFeedbackView,
  type FeedbackCommandMeta,
  type FeedbackStep,
  type FeedbackStepContext,
  type FeedbackView,
  type Holding,
  type HoldingEnd,
} from './step';
export * from './rejected.step';
export * from './returned.step';
export * from './forwarded.step';
export * from './information-requested.step';
export * from './information-received.step';
export * from './answered.step';
export * from './answer-published.step';
export * from './rated.step';
export * from './marked-repeat.step';
