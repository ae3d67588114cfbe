import {
  evolveFeedback,
  feedbackStreamName,
  initialFeedbackState,
  openFeedbackAlerts,
  type FeedbackEvent,
  type FeedbackState,
} from '@tracker/domain';
import type { Projection } from '../projections/projection';
import { FEEDBACK_EVENT_TYPES } from '../projections/feedback-list.projection';
import { alertsFor, type AlertsOf } from './alerts.projection';

export type FeedbackAlertsDoc = AlertsOf<'item', FeedbackState>;

const items = alertsFor({
  name: 'feedback-alerts',
  version: 1,
  streamPrefix: 'feedback-',
  canHandle: FEEDBACK_EVENT_TYPES,
  field: 'item',
  initialState: initialFeedbackState,
  evolve: (state: FeedbackState, event: FeedbackEvent) => evolveFeedback(state, event),
  openAlerts: openFeedbackAlerts,
  streamOf: (id) => feedbackStreamName(id),
});

/**
 * `feedback-alerts.v1`: the feedback items' open due-soon / overdue alerts (`subject: 'feedback'`), as
 * alerts.v2 holds the dossiers' (alertsFor: stored lean, the same indexes `all` and `unit:<id>`). Its
 * changes go to the same alert feed (the SSE stream).
 */
export const feedbackAlertsProjection: Projection<FeedbackAlertsDoc, FeedbackEvent> = items.projection;
/** Its effects: its changes go to the alert feed. */
export const feedbackAlertsHooks = items.hooks;
