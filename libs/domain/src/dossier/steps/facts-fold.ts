// Helpers of the facts fold the step modules share. The fold is order-insensitive: first-of = min, lists
// kept sorted (see scoring/dossier-facts.ts).
import type { RatingFact } from '../../scoring/dossier-facts';

export const first = (current: number | null, at: number): number =>
  current === null || at < current ? at : current;

/** Insert keeping ascending order (equal instants: after the existing ones; the result is the same). */
export const insertSorted = (list: readonly number[], at: number): number[] => {
  const out = list.slice();
  let i = out.length;
  while (i > 0 && out[i - 1] > at) i--;
  out.splice(i, 0, at);
  return out;
};

/** Ratings sorted by instant; on a tie an unsatisfied rating sorts after a satisfied one, so "the latest
 * rating" does not depend on recording order (and the doubtful case counts against the unit). */
export const insertRating = (list: readonly RatingFact[], r: RatingFact): RatingFact[] => {
  const after = (a: RatingFact, b: RatingFact): boolean =>
    a.at > b.at || (a.at === b.at && !a.satisfied && b.satisfied);
  const out = list.slice();
  let i = out.length;
  while (i > 0 && after(out[i - 1], r)) i--;
  out.splice(i, 0, r);
  return out;
};
