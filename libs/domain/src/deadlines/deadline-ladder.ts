// The escalation ladder of one dossier: the instants at which the system checks it again (due soon at a share
// of the office's working time, apology-needed at the last moment the law allows an apology, overdue at the
// effective due). Pure: the state, its calendar and the policy in; instants out. The worker turns each
// instant into a delayed job and the decider re-checks the dossier when it fires.
import type { WorkingCalendar } from '../calendar';
import { latestApologyAt } from '../calendar';
import type { DueSoonStage } from '../dossier/dossier.events';
import { dossierAt, overdueInvalidity } from '../dossier/dossier.decider';
import type { Dossier, DossierState } from '../dossier/dossier.state';
import { isSuspendedMs } from '../dossier/dossier.on-time';
import { instantMs } from '../calendar/instant';
import { workingDayTable, type WorkingDayTable } from '../calendar/working-time';

export type DeadlineStage = DueSoonStage | 'overdue';
export type ShareStage = Exclude<DueSoonStage, 'apology-needed'>;

/** One procedure's ladder: the share of working time at which each due-soon stage fires (null: off). */
export type LadderPolicy = Readonly<{
  dueSoon: Readonly<Record<ShareStage, number | null>>;
  apologyNeeded: boolean;
}>;

/** The global ladder and per-procedure overrides (by procedure code). */
export type DeadlinePolicy = Readonly<{
  default: LadderPolicy;
  procedures?: Readonly<Record<string, Partial<LadderPolicy>>>;
}>;

export const DEFAULT_LADDER: LadderPolicy = Object.freeze({
  dueSoon: Object.freeze({ 'due-soon-50': 0.5, 'due-soon-75': 0.75 }),
  apologyNeeded: true,
});
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = Object.freeze({ default: DEFAULT_LADDER });

export function ladderFor(policy: DeadlinePolicy, procedureCode: string): LadderPolicy {
  const own = policy.procedures?.[procedureCode];
  if (!own) return policy.default;
  return {
    dueSoon: { ...policy.default.dueSoon, ...own.dueSoon },
    apologyNeeded: own.apologyNeeded ?? policy.default.apologyNeeded,
  };
}

/** One rung: check `stage` at `atMs`, for the effective due instant `dueMs` it was computed from. */
export type DeadlineInstant = Readonly<{ stage: DeadlineStage; atMs: number; dueMs: number }>;

/** Unfinished, and the deadline clock not stopped by an open first supplement request. */
export function isClockRunning(d: Dossier): boolean {
  return (
    d.finishedAt === null &&
    !(d.openSupplement !== null && d.supplements[0]?.requestedAt === d.openSupplement.requestedAt)
  );
}

/**
 * The rungs still ahead of the dossier (those already recorded for its current effective due are left out,
 * so a replay schedules nothing new). None while the clock is stopped; none once finished, except an
 * overdue never recorded for a dossier that finished after its due (a lost job must not lose that fact).
 */
export function deadlineLadder(
  state: DossierState,
  workingCalendar: WorkingCalendar,
  ladder: LadderPolicy = DEFAULT_LADDER,
): DeadlineInstant[] {
  if (state.status === 'none') return [];
  const calendar = memoised(workingCalendar);
  if (state.finishedAt !== null) return finishedLate(state);
  if (!isClockRunning(state) || state.overdue) return [];

  const dueMs = instantMs(state.effectiveDueAt, 'effectiveDueAt');
  const recorded = (stage: DueSoonStage) =>
    state.dueSoon.some((d) => d.stage === stage && instantMs(d.dueAt, 'dueAt') === dueMs);
  const rungs: DeadlineInstant[] = [];
  // After an apology the supervisor has acted: only the overdue (against the original date) remains.
  if (state.apology === null) {
    const receivedMs = instantMs(state.receivedAt, 'receivedAt');
    const clock = officeClock(state, receivedMs, dueMs, workingDayTable(workingCalendar));
    for (const stage of ['due-soon-50', 'due-soon-75'] as const) {
      const share = ladder.dueSoon[stage];
      if (share === null || share === undefined || recorded(stage)) continue;
      const atMs = clock.at(share);
      if (atMs < dueMs) rungs.push({ stage, atMs, dueMs });
    }
    if (ladder.apologyNeeded && !recorded('apology-needed')) {
      const atMs = instantMs(latestApologyAt(state.effectiveDueAt, calendar), 'latestApologyAt');
      // Before receipt, no apology can ever be in time: nothing to warn about.
      if (atMs > receivedMs && atMs < dueMs) rungs.push({ stage: 'apology-needed', atMs, dueMs });
    }
  }
  rungs.push({ stage: 'overdue', atMs: dueMs, dueMs });
  return rungs.sort((a, b) => a.atMs - b.atMs);
}

/**
 * What the scheduler keeps of a ladder: `next`, the one rung to have a job now, and `overdue`, the overdue
 * rung (indexed for the sweep even while an earlier rung is next). Only the next rung is scheduled: when it
 * is recorded, the new event plans the one after it. So `next` is the first rung the decider would record
 * at its instant under this state: a due-soon rung at an instant when the dossier ran against another due
 * (a supplement round that began later moved it) records nothing, so it is skipped rather than left to
 * stall the ladder. The overdue rung is always kept (the sweep judges it, the decider re-checks it).
 */
export type DeadlinePlan = Readonly<{ next: DeadlineInstant | null; overdue: DeadlineInstant | null }>;

export function deadlinePlan(
  state: DossierState,
  workingCalendar: WorkingCalendar,
  ladder: LadderPolicy = DEFAULT_LADDER,
): DeadlinePlan {
  const rungs = deadlineLadder(state, workingCalendar, ladder);
  const overdue = rungs.find((r) => r.stage === 'overdue') ?? null;
  const next = rungs.find((r) => r.stage === 'overdue' || runsAgainst(state as Dossier, r)) ?? null;
  return { next, overdue };
}

/** The dossier was running at the rung's instant against the rung's due (the decider's first test). */
function runsAgainst(state: Dossier, rung: DeadlineInstant): boolean {
  const { view, effectiveDueMs } = dossierAt(state, rung.atMs);
  return view.finishedMs === null && !isSuspendedMs(view.rounds, rung.atMs) && effectiveDueMs === rung.dueMs;
}

function finishedLate(state: Dossier): DeadlineInstant[] {
  if (state.overdue) return [];
  const finishedMs = instantMs(state.finishedAt!, 'finishedAt');
  const { effectiveDueMs: dueMs } = dossierAt(state, finishedMs);
  if (dueMs >= finishedMs || overdueInvalidity(state, dueMs) !== null) return [];
  return [{ stage: 'overdue', atMs: dueMs, dueMs }];
}

/**
 * The office's clock between receipt and the effective due: working time, minus the closed supplement
 * intervals that pushed the due back (the citizen's time, as effectiveDueMs counts it). `at(share)` is the
 * instant when that share of the office's working time has elapsed.
 */
function officeClock(state: Dossier, receivedMs: number, dueMs: number, days: WorkingDayTable) {
  const segments: Array<[number, number]> = [];
  let from = receivedMs;
  let due = instantMs(state.dueAt, 'dueAt');
  const rounds = state.supplements
    .map((s) => ({
      req: instantMs(s.requestedAt, 'requestedAt'),
      rec: s.receivedAt === null ? null : instantMs(s.receivedAt, 'receivedAt'),
    }))
    .sort((a, b) => a.req - b.req);
  for (const r of rounds) {
    if (r.rec === null || r.req > due) continue;
    due += r.rec - r.req;
    if (r.req > from) segments.push([from, r.req]);
    from = Math.max(from, r.rec);
  }
  if (dueMs > from) segments.push([from, dueMs]);
  const spans = segments.map(([a, b]) => ({ from: a, ms: days.between(a, b) }));
  const total = spans.reduce((sum, s) => sum + s.ms, 0);
  return {
    at(share: number): number {
      let remaining = Math.round(total * share);
      for (const s of spans) {
        if (remaining <= s.ms) return days.add(s.from, remaining);
        remaining -= s.ms;
      }
      return dueMs;
    },
  };
}

const MEMOISED = new WeakMap<WorkingCalendar, WorkingCalendar>();
/**
 * The same calendar with its day answers memoised (the calendar is immutable): planning thousands of
 * dossiers walks the same month of days over and over. The methods read the day through `this`, so an
 * object inheriting from the calendar with these two overridden answers every question from the cache.
 */
function memoised(calendar: WorkingCalendar): WorkingCalendar {
  let cached = MEMOISED.get(calendar);
  if (!cached) {
    const sessions = new Map<string, ReturnType<WorkingCalendar['sessionsOn']>>();
    const working = new Map<string, boolean>();
    cached = Object.create(calendar, {
      sessionsOn: {
        value: (date: string) => {
          let s = sessions.get(date);
          if (!s) sessions.set(date, (s = calendar.sessionsOn(date)));
          return s;
        },
      },
      isWorkingDay: {
        value: (date: string) => {
          let w = working.get(date);
          if (w === undefined) working.set(date, (w = calendar.isWorkingDay(date)));
          return w;
        },
      },
    }) as WorkingCalendar;
    MEMOISED.set(calendar, cached);
    MEMOISED.set(cached, cached);
  }
  return cached;
}

/** BullMQ job id of a rung: deterministic (a replay or a second scheduler adds nothing) and without ':'. */
export const deadlineJobId = (stage: DeadlineStage, code: string, dueMs: number): string =>
  `${stage}-${code.replace(/[:%]/g, (c) => (c === ':' ? '%3A' : '%25'))}-${dueMs}`;
