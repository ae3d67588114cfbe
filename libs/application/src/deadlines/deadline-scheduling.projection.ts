import {
  DEFAULT_DEADLINE_POLICY,
  DOSSIER_EVENT_TYPES,
  DeadlineInstant,
  DeadlinePolicy,
  DossierEvent,
  DossierState,
  WorkingCalendar,
  deadlineJobId,
  deadlinePlan,
  evolveDossier,
  initialDossierState,
  isDossier,
  ladderFor,
} from '@tracker/domain';
import type { Clock } from '../ports/clock.port';
import type { IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import type { VersionedCalendars } from './deadline-calendars';
import type { DeadlineJob, DeadlineScheduler } from './deadline-scheduler.port';

/**
 * What the scheduling reactor keeps per dossier: the state (to re-plan on the next event), the jobs it has
 * scheduled (`plan`: the next rung only, to move or cancel exactly it) and the overdue rung (`overdue`,
 * indexed for the sweep whether or not it is the rung scheduled yet). `dossier` is null once nothing can
 * ever be planned again (finished, its overdue settled): the state is dropped to keep a replay of years of
 * history cheap. (A document written before `overdue` existed has every rung in `plan`.)
 */
export type DeadlineDoc = Readonly<{
  dossier: DossierState | null;
  plan: readonly DeadlineJob[];
  overdue?: DeadlineJob | null;
}>;

/** Index members carry the instant and the id, so the sweep needs no document: `<atMs>|<jobId>`. */
export const jobMember = (job: Pick<DeadlineJob, 'atMs' | 'id'>): string => `${job.atMs}|${job.id}`;

/** What `settle` reads: the calendars of the dossiers' versions (immutable once written) and the ladder. */
export type DeadlineEnv = Readonly<{
  calendars: ReadonlyMap<string, WorkingCalendar>;
  policy: DeadlinePolicy;
}>;

/**
 * `deadline-scheduling.v1`. Its fold keeps the dossier's state; `settle` (once per changed dossier and
 * batch: it needs the calendar) sets `plan`, the next rung as a job, and `overdue`, dropping the state once
 * nothing can be planned any more. Indexes: `jobs` (every scheduled job, by its instant) and `overdue` (the
 * pending overdue rung, by due instant, scheduled or not), both with `<atMs>|<jobId>` members. Its effects
 * (deadlineSchedulingHooks) add the jobs newly planned and cancel those no longer planned.
 *
 * One job per dossier: its next rung. When that rung is recorded the stream gets a DossierDueSoon, the fold
 * takes it and plans the rung after it; the overdue rung is indexed from the start, so the sweep can record
 * it even when a job in the chain went missing. A replay from the start (Redis lost, checkpoint gone) sees
 * every dossier as new: it schedules the open ones once and skips the finished ones, with no job for any
 * rung already recorded in the stream.
 */
export const deadlineSchedulingProjection: Projection<DeadlineDoc, DossierEvent, DeadlineEnv> = {
  name: 'deadline-scheduling',
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => ({ dossier: initialDossierState(), plan: [] }),
  evolve: (doc, e) => (doc.dossier === null ? doc : { ...doc, dossier: evolveDossier(doc.dossier, e.event) }),
  settle: (doc, code, env) => planned(doc, code, env),
  indexes: (doc) => {
    const entries: IndexEntry[] = doc.plan.map((job) => ({
      set: 'jobs',
      score: job.atMs,
      member: jobMember(job),
    }));
    const overdue = doc.overdue === undefined ? doc.plan.filter((j) => j.stage === 'overdue') : [doc.overdue];
    for (const job of overdue)
      if (job) entries.push({ set: 'overdue', score: job.atMs, member: jobMember(job) });
    return entries;
  },
};

const STAGES = ['due-soon-50', 'due-soon-75', 'apology-needed', 'overdue'] as const;

/** The job an index member names (the inverse of jobMember and deadlineJobId). */
export function jobOfMember(member: string): DeadlineJob | undefined {
  const bar = member.indexOf('|');
  const atMs = Number(member.slice(0, bar));
  const id = member.slice(bar + 1);
  const stage = STAGES.find((s) => id.startsWith(`${s}-`));
  const dash = id.lastIndexOf('-');
  if (bar < 0 || !stage || dash <= stage.length) return undefined;
  const code = id.slice(stage.length + 1, dash).replace(/%3A|%25/g, (c) => (c === '%3A' ? ':' : '%'));
  return { id, code, stage, atMs, dueMs: Number(id.slice(dash + 1)) };
}

/** The document with its next rung as a job; the state dropped once nothing can be planned any more. */
function planned(doc: DeadlineDoc, code: string, env: DeadlineEnv): DeadlineDoc {
  const dossier = doc.dossier;
  if (dossier === null || !isDossier(dossier)) return { dossier, plan: [], overdue: null };
  const calendar = env.calendars.get(dossier.calendarVersion);
  if (!calendar) throw new Error(`calendar ${dossier.calendarVersion} not loaded`);
  const { next, overdue } = deadlinePlan(dossier, calendar, ladderFor(env.policy, dossier.procedureCode));
  const job = (rung: DeadlineInstant): DeadlineJob => ({
    id: deadlineJobId(rung.stage, code, rung.dueMs),
    code,
    ...rung,
  });
  const settled = dossier.finishedAt !== null && next === null;
  return {
    dossier: settled ? null : dossier,
    plan: next ? [job(next)] : [],
    overdue: overdue && job(overdue),
  };
}

export type DeadlineSchedulingDeps = Readonly<{
  scheduler: DeadlineScheduler;
  calendars: VersionedCalendars;
  clock: Clock;
  policy?: DeadlinePolicy;
}>;

/**
 * `deadline-scheduling.v1`'s environment (the calendars its dossiers were received under) and effects: the
 * jobs go out before the commit (at least once); a crash in between replays the batch, and the job ids are
 * deterministic, so the replay adds nothing.
 */
export const deadlineSchedulingHooks = (
  deps: DeadlineSchedulingDeps,
): ProjectionHooks<DeadlineDoc, DeadlineEnv> => ({
  async environment(docs) {
    const versions = new Set<string>();
    for (const d of docs) if (d.dossier && isDossier(d.dossier)) versions.add(d.dossier.calendarVersion);
    const calendars = new Map<string, WorkingCalendar>();
    for (const v of versions) calendars.set(v, await deps.calendars.get(v));
    return { calendars, policy: deps.policy ?? DEFAULT_DEADLINE_POLICY };
  },
  async effects({ changes }) {
    const add: DeadlineJob[] = [];
    const cancel: string[] = [];
    for (const change of changes) {
      const before = new Set((change.before?.doc.plan ?? []).map((j) => j.id));
      const now = new Set((change.after?.doc.plan ?? []).map((j) => j.id));
      for (const job of change.after?.doc.plan ?? []) if (!before.has(job.id)) add.push(job);
      for (const id of before) if (!now.has(id)) cancel.push(id);
    }
    if (add.length) await deps.scheduler.schedule(add, deps.clock.now().getTime());
    if (cancel.length) await deps.scheduler.cancel(cancel);
  },
});
