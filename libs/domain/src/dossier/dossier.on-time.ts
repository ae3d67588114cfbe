// SCORING.md §"On time" and the effective due instant, as pure functions the scorecard and the alert
// scheduler reuse. Intervals are plain elapsed time (request → received), as SCORING.md subtracts them.
import type { Instant } from '../calendar';
import { instantMs } from './dossier.time';

export type SupplementInterval = Readonly<{ requestedAt: Instant; receivedAt: Instant | null }>;
/** What the on-time rule needs; a `Dossier` state satisfies it. */
export type OnTimeFacts = Readonly<{
  dueAt: Instant;
  finishedAt: Instant | null;
  supplements: readonly SupplementInterval[];
}>;

/** A supplement round in epoch ms (rec null while open). */
export type SupplementSpanMs = { req: number; rec: number | null };
type Round = SupplementSpanMs;
const roundsOf = (supplements: readonly SupplementInterval[]): Round[] =>
  supplements
    .map((s) => ({
      req: instantMs(s.requestedAt, 'requestedAt'),
      rec: s.receivedAt === null ? null : instantMs(s.receivedAt, 'receivedAt'),
    }))
    .sort((a, b) => a.req - b.req);

/** The end instant E of SCORING.md: finishedAt if at or before `end`; else the first supplement request's
 * instant if that request is open at `end`; else `end`. */
export function onTimeEndMs(facts: OnTimeFacts, end: Instant): number {
  const endMs = instantMs(end, 'end');
  const finished = facts.finishedAt === null ? null : instantMs(facts.finishedAt, 'finishedAt');
  if (finished !== null && finished <= endMs) return finished;
  const rounds = roundsOf(facts.supplements);
  const first = rounds[0];
  if (first && first.req <= endMs && (first.rec === null || first.rec > endMs)) return first.req;
  return endMs;
}

/** SCORING.md: on time when at most one supplement request and E − S ≤ dueAt, S the closed supplement
 * intervals before E. The apology's new date does not count. */
export function isOnTimeAt(facts: OnTimeFacts, end: Instant): boolean {
  const e = onTimeEndMs(facts, end);
  const rounds = roundsOf(facts.supplements);
  const requests = rounds.filter((r) => r.req <= e).length;
  const s = rounds.reduce((sum, r) => (r.rec !== null && r.rec <= e ? sum + (r.rec - r.req) : sum), 0);
  return requests <= 1 && e - s <= instantMs(facts.dueAt, 'dueAt');
}

/** The due instant (ms) as of `atMs`: dueAt pushed back by each supplement interval closed by then that
 * began at or before the (pushed) deadline. A request made after the deadline had passed moves nothing:
 * the dossier was already late. For at most one request this agrees with isOnTimeAt. */
export function effectiveDueMs(dueMs: number, rounds: readonly Round[], atMs = Infinity): number {
  let due = dueMs;
  for (const r of [...rounds].sort((a, b) => a.req - b.req)) {
    if (r.rec === null || r.rec > atMs) continue;
    if (r.req <= due) due += r.rec - r.req;
  }
  return due;
}

/** Whether the deadline clock is stopped at `atMs`: the dossier's first supplement request is open. */
export function isSuspendedMs(rounds: readonly Round[], atMs: number): boolean {
  const first = [...rounds].sort((a, b) => a.req - b.req)[0];
  return !!first && first.req <= atMs && (first.rec === null || first.rec > atMs);
}
