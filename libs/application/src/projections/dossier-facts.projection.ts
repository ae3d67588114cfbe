import {
  DOSSIER_FACTS_EVENT_TYPES,
  DossierEvent,
  DossierFacts,
  evolveFacts,
  initialFacts,
} from '@tracker/domain';
import type { Projection } from './projection';

/**
 * `dossier-facts.v1`: one compact facts record per dossier, the scorecard's input (folded with the scoring
 * method's own fold). Its change log lets an API process that holds every record in memory refresh
 * incrementally (DossierFactsCache).
 */
export const dossierFactsProjection: Projection<DossierFacts, DossierEvent> = {
  name: 'dossier-facts',
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_FACTS_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: (code) => initialFacts(code),
  evolve: (facts, e) => evolveFacts(facts, e.event),
  changeLog: { maxLength: 100_000 },
};
