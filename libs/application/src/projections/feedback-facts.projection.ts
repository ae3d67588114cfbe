import {
  evolveFeedback,
  feedbackFactsOf,
  feedbackStreamName,
  initialFeedbackState,
  isFeedback,
  type FeedbackEvent,
  type FeedbackState,
} from '@tracker/domain';
import { FEEDBACK_EVENT_TYPES } from './feedback-list.projection';
import type { Projection } from './projection';

/**
 * `feedback-facts.v1`: one FeedbackFacts record per item (libs/domain/src/feedback/feedback-facts.ts), the
 * scorecard's input for 5.1, 5.2 and the 5.3 change. Stored lean (the facts, not the decider's state) with a
 * change log, as dossier-facts.v1, so that an API process holding every record in memory
 * (FeedbackFactsCache) refreshes incrementally. The system's alert records change no fact.
 */
export const feedbackFactsProjection: Projection<FeedbackState, FeedbackEvent> = {
  name: 'feedback-facts',
  version: 1,
  streamPrefixes: ['feedback-'],
  canHandle: FEEDBACK_EVENT_TYPES.filter(
    (t) => t !== 'FeedbackDueSoon' && t !== 'FeedbackBecameOverdue' && t !== 'FeedbackOverdueRetracted',
  ),
  documentId: (e) =>
    e.streamName.startsWith('feedback-') ? e.streamName.slice('feedback-'.length) : undefined,
  initialState: () => initialFeedbackState(),
  evolve: (doc, e) => evolveFeedback(doc, e.event),
  view: (doc) => (isFeedback(doc) ? feedbackFactsOf(doc) : null),
  streamOf: (id) => feedbackStreamName(id),
  changeLog: { maxLength: 100_000 },
};
