// SCORING.md §"On time" and the effective due instant: the one home of "on time / late". The decider (the
// state's onTime), the scorecard's facts scan and the dossier page's "why late" (the explain query) all
// judge through here. Intervals are plain elapsed time (request → received), as SCORING.md subtracts them.
import type { Instant } from '../calendar/calendar.types';
import { instantMs } from '../calendar/instant';

/** The rule's inputs in epoch ms; `DossierFacts` satisfies it. Requests and receipts ascending: round i is
 * [requested[i], received[i]], open while received[i] is missing. */
export type OnTimeMsFacts = Readonly<{
  dueAt: number | null;
  finishedAt: number | null;
  supplementRequestedAt: readonly number[];
  supplementReceivedAt: readonly number[];
}>;

export type SupplementInterval = Readonly<{ requestedAt: Instant; receivedAt: Instant | null }>;
/** The same inputs as ISO instants; a `Dossier` state satisfies it. */
export type OnTimeFacts = Readonly<{
  dueAt: Instant;
  finishedAt: Instant | null;
  supplements: readonly SupplementInterval[];
}>;

/** The verdict with its parts: E, S, E − S (the time the office used, judged against dueAt). */
export type OnTimeJudgement = Readonly<{
  /** SCORING.md's end instant E. */
  endMs: number;
  /** S: the closed supplement intervals before E. */
  supplementMs: number;
  /** Supplement requests made up to E. */
  requests: number;
  /** E − S. */
  judgedMs: number;
  onTime: boolean;
}>;

/** The end instant E at `end`: finishedAt if at or before `end`; else the first supplement request's
 * instant if that request is open at `end` (the clock is stopped); else `end`. */
export function onTimeEndOf(f: OnTimeMsFacts, end: number): number {
  const fin = f.finishedAt;
  if (fin !== null && fin <= end) return fin;
  const reqs = f.supplementRequestedAt;
  if (reqs.length > 0 && reqs[0] <= end) {
    const recs = f.supplementReceivedAt;
    if (recs.length === 0 || recs[0] > end) return reqs[0];
  }
  return end;
}

/** Supplement requests made up to E. */
function requestsUpTo(f: OnTimeMsFacts, e: number): number {
  const reqs = f.supplementRequestedAt;
  let n = 0;
  while (n < reqs.length && reqs[n] <= e) n++;
  return n;
}

/** S: the closed supplement intervals (request → received, received ≤ E) of the requests up to E. */
function closedSupplementMs(f: OnTimeMsFacts, e: number): number {
  const reqs = f.supplementRequestedAt;
  const recs = f.supplementReceivedAt;
  let s = 0;
  for (let i = 0; i < reqs.length && reqs[i] <= e; i++)
    if (i < recs.length && recs[i] <= e) s += recs[i] - reqs[i];
  return s;
}

/** On time at `end`: at most one supplement request up to E and E − S ≤ dueAt (the original due date; the
 * apology's new date does not count). Allocation-free: the scorecard scan calls it per dossier. */
export function isOnTimeFacts(f: OnTimeMsFacts, end: number): boolean {
  const e = onTimeEndOf(f, end);
  return requestsUpTo(f, e) <= 1 && f.dueAt !== null && e - closedSupplementMs(f, e) <= f.dueAt;
}

/** The same verdict with its parts, for an explanation. */
export function judgeOnTime(f: OnTimeMsFacts, end: number): OnTimeJudgement {
  const e = onTimeEndOf(f, end);
  const supplementMs = closedSupplementMs(f, e);
  return {
    endMs: e,
    supplementMs,
    requests: requestsUpTo(f, e),
    judgedMs: e - supplementMs,
    onTime: isOnTimeFacts(f, end),
  };
}

/** The same rule for a dossier with at most one supplement round, on plain numbers (NaN: none): the
 * scorecard's column scan calls it for every dossier. */
export function isOnTimeOneRound(
  finished: number,
  requested: number,
  received: number,
  end: number,
  due: number,
): boolean {
  const e = finished <= end ? finished : requested <= end && !(received <= end) ? requested : end;
  return (requested <= e && received <= e ? e - (received - requested) : e) <= due;
}

/** ISO facts → the rule's ms inputs (rounds by request instant). */
export function onTimeMsFacts(facts: OnTimeFacts): OnTimeMsFacts {
  const rounds = facts.supplements
    .map((s) => ({
      req: instantMs(s.requestedAt, 'requestedAt'),
      rec: s.receivedAt === null ? null : instantMs(s.receivedAt, 'receivedAt'),
    }))
    .sort((a, b) => a.req - b.req);
  return {
    dueAt: instantMs(facts.dueAt, 'dueAt'),
    finishedAt: facts.finishedAt === null ? null : instantMs(facts.finishedAt, 'finishedAt'),
    supplementRequestedAt: rounds.map((r) => r.req),
    supplementReceivedAt: rounds.flatMap((r) => (r.rec === null ? [] : [r.rec])),
  };
}

export const onTimeEndMs = (facts: OnTimeFacts, end: Instant): number =>
  onTimeEndOf(onTimeMsFacts(facts), instantMs(end, 'end'));

export const isOnTimeAt = (facts: OnTimeFacts, end: Instant): boolean =>
  isOnTimeFacts(onTimeMsFacts(facts), instantMs(end, 'end'));

/** A supplement round in epoch ms (rec null while open). */
export type SupplementSpanMs = { req: number; rec: number | null };
type Round = SupplementSpanMs;

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
