export * from './feedback.events';
export * from './feedback.commands';
export * from './feedback.state';
export * from './feedback.errors';
export * from './feedback.deadlines';
export * from './steps';
export * from './feedback-facts';
export {
  feedbackDecider,
  decide as decideFeedback,
  evolve as evolveFeedback,
  initialState as initialFeedbackState,
  feedbackOverdueInvalidity,
  isFeedbackSystemEvent,
  owedAt as feedbackOwedAt,
  owedDeadline as feedbackOwedDeadline,
  replayFeedback,
  sameFeedbackFacts,
} from './feedback.decider';
export { feedbackDeadlineLadder, feedbackDeadlinePlan, openFeedbackAlerts } from './feedback.ladder';
