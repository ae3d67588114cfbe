import {
  evolveFeedback,
  feedbackDeadlinePlan,
  initialFeedbackState,
  isFeedback,
  type FeedbackEvent,
  type FeedbackState,
} from '@tracker/domain';
import type { Projection } from '../projections/projection';
import { FEEDBACK_EVENT_TYPES } from '../projections/feedback-list.projection';
import { deadlineSchedulingFor, type DeadlineEnv, type ScheduledDoc } from './deadline-scheduling.projection';

/** A feedback item's jobs carry this prefix in their `code`, so the flagger and the sweep tell them apart. */
export const FEEDBACK_JOB_PREFIX = 'feedback:';

export type FeedbackDeadlineDoc = ScheduledDoc<'item', FeedbackState>;

const items = deadlineSchedulingFor({
  name: 'feedback-deadline-scheduling',
  streamPrefix: 'feedback-',
  canHandle: FEEDBACK_EVENT_TYPES,
  field: 'item',
  initialState: initialFeedbackState,
  evolve: (state: FeedbackState, event: FeedbackEvent) => evolveFeedback(state, event),
  received: (state) => (isFeedback(state) ? state : null),
  calendarVersion: (item) => item.calendarVersion,
  plan: (item, calendar, policy) => {
    const { next, overdue } = feedbackDeadlinePlan(item, calendar, policy.default);
    // Finished for the unit holding it and nothing left to record: the state is dropped.
    return { next, overdue, settled: item.owed === null && next === null };
  },
  jobCode: (id) => `${FEEDBACK_JOB_PREFIX}${id}`,
});

/**
 * `feedback-deadline-scheduling.v1`: the feedback items' rungs on the deadline ladder, as
 * deadline-scheduling.v1 plans the dossiers' (deadlineSchedulingFor: one job per item, its next rung; the
 * overdue rung indexed for the sweep). Same indexes (`jobs`, `overdue`), same jobs queue, job codes
 * `feedback:<id>`.
 */
export const feedbackDeadlineSchedulingProjection: Projection<
  FeedbackDeadlineDoc,
  FeedbackEvent,
  DeadlineEnv
> = items.projection;
/** Its environment (the calendars its items were received under) and effects (jobs out before the commit). */
export const feedbackDeadlineSchedulingHooks = items.hooks;
