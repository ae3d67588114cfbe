import {
  evolveFeedback,
  feedbackStreamName,
  initialFeedbackState,
  instantMs,
  openFeedbackAlerts,
  type DeadlineAlert,
  type FeedbackEvent,
  type FeedbackState,
} from '@tracker/domain';
import type { IndexEntry, Projection } from '../projections/projection';
import { FEEDBACK_EVENT_TYPES } from '../projections/feedback-list.projection';
import type { AlertsView } from './alerts.projection';

export type FeedbackAlertsDoc = Readonly<{ item: FeedbackState; alerts: readonly DeadlineAlert[] }>;

/**
 * `feedback-alerts.v1`: the feedback items' open due-soon / overdue alerts (`subject: 'feedback'`), as
 * alerts.v2 holds the dossiers', stored lean (the alerts only) under the same indexes (`all`, `unit:<id>`
 * for the first and the current unit). Its changes go to the same alert feed (the SSE stream).
 */
export const feedbackAlertsProjection: Projection<FeedbackAlertsDoc, FeedbackEvent> = {
  name: 'feedback-alerts',
  version: 1,
  streamPrefixes: ['feedback-'],
  canHandle: FEEDBACK_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('feedback-') ? e.streamName.slice('feedback-'.length) : undefined,
  initialState: () => ({ item: initialFeedbackState(), alerts: [] }),
  evolve: (doc, e) => {
    const item = evolveFeedback(doc.item, e.event);
    return { item, alerts: openFeedbackAlerts(item) };
  },
  indexes: (doc, id) => {
    if (doc.alerts.length === 0) return [];
    const score = Math.min(...doc.alerts.map((a) => instantMs(a.raisedAt, 'raisedAt')));
    const units = new Set(doc.alerts.flatMap((a) => [a.unitId, a.currentUnitId]));
    return [
      { set: 'all', score, member: id },
      ...[...units].map((u): IndexEntry => ({ set: `unit:${u}`, score, member: id })),
    ];
  },
  view: (doc): AlertsView => ({ alerts: doc.alerts }),
  streamOf: (id) => feedbackStreamName(id),
};
