import type { FeedbackFacts } from '@tracker/domain';
import type { FactsSource } from './dossier-facts.source.port';

export const FEEDBACK_FACTS_SOURCE = Symbol('FEEDBACK_FACTS_SOURCE');

/** The feedback-facts projection's records, in full once and then incrementally. */
export type FeedbackFactsSource = FactsSource<FeedbackFacts>;
