// computeScorecard: SCORING.md over the dossiers' facts. One pass over the facts, plain loops and typed
// counters, no allocation per dossier.
import type { ComputeScorecardInput, Scorecard } from './scorecard.types';

export function computeScorecard(input: ComputeScorecardInput): Scorecard {
  void input;
  throw new Error('computeScorecard: not implemented yet');
}
