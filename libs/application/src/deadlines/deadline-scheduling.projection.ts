import {
  DEFAULT_DEADLINE_POLICY,
  DOSSIER_EVENT_TYPES,
  DeadlineInstant,
  DeadlinePolicy,
  type Event,
  DossierEvent,
  DossierState,
  WorkingCalendar,
  deadlineJobId,
  deadlinePlan,
  isDossier,
  ladderFor,
} from '@tracker/domain';
import type { Clock } from '../ports/clock.port';
import type { IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import type { VersionedCalendars } from './deadline-calendars';
import { sharedDossierFold } from '../projections/shared-fold';
import type { DeadlineJob, DeadlineScheduler } from './deadline-scheduler.port';

/**
 * What a scheduling reactor keeps per aggregate (a dossier, a feedback item), under the aggregate's own
 * field (`dossier`, `item`): its state (to re-plan on the next event), the jobs it has scheduled (`plan`:
 * the next rung only, to move or cancel exactly it) and the overdue rung (`overdue`, indexed for the sweep
 * whether or not it is the rung scheduled yet). The state is null once nothing can ever be planned again
 * (finished, its overdue settled): it is dropped to keep a replay of years of history cheap. (A document
 * written before `overdue` existed has every rung in `plan`.)
 */
export type ScheduledDoc<K extends string, S> = Readonly<
  { [P in K]: S | null } & { plan: readonly DeadlineJob[]; overdue?: DeadlineJob | null }
>;

export type DeadlineDoc = ScheduledDoc<'dossier', DossierState>;

/** Index members carry the instant and the id, so the sweep needs no document: `<atMs>|<jobId>`. */
export const jobMember = (job: Pick<DeadlineJob, 'atMs' | 'id'>): string => `${job.atMs}|${job.id}`;

/** What `settle` reads: the calendars of the aggregates' versions (immutable once written) and the ladder. */
export type DeadlineEnv = Readonly<{
  calendars: ReadonlyMap<string, WorkingCalendar>;
  policy: DeadlinePolicy;
}>;

export type DeadlineSchedulingDeps = Readonly<{
  scheduler: DeadlineScheduler;
  calendars: VersionedCalendars;
  clock: Clock;
  policy?: DeadlinePolicy;
}>;

/** What the factory needs of an aggregate to plan its deadlines. */
export type ScheduledAggregate<K extends string, S, L extends S, E extends Event> = Readonly<{
  name: string;
  streamPrefix: string;
  canHandle: readonly E['type'][];
  /** The document's field holding the state. */
  field: K;
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  /** The state once received (null before). */
  received: (state: S) => L | null;
  calendarVersion: (state: L) => string;
  /** Its next rung, its overdue rung, and whether nothing can be planned any more (the state is dropped). */
  plan: (
    state: L,
    calendar: WorkingCalendar,
    policy: DeadlinePolicy,
  ) => { next: DeadlineInstant | null; overdue: DeadlineInstant | null; settled: boolean };
  /** The `code` its jobs carry, from the document id. */
  jobCode: (id: string) => string;
}>;

/**
 * A deadline-scheduling projection and its hooks for one aggregate. Its fold keeps the state; `settle`
 * (once per changed document and batch: it needs the calendar) sets `plan`, the next rung as a job, and
 * `overdue`, dropping the state once nothing can be planned any more. Indexes: `jobs` (every scheduled
 * job, by its instant) and `overdue` (the pending overdue rung, by due instant, scheduled or not), both with
 * `<atMs>|<jobId>` members. Its effects add the jobs newly planned and cancel those no longer planned,
 * before the commit (at least once); a crash in between replays the batch, and the job ids are
 * deterministic, so the replay adds nothing. Its environment: the calendars its aggregates were received
 * under.
 *
 * One job per aggregate: its next rung. When that rung is recorded the stream gets a due-soon event, the
 * fold takes it and plans the rung after it; the overdue rung is indexed from the start, so the sweep can
 * record it even when a job in the chain went missing. A replay from the start (Redis lost, checkpoint gone)
 * sees every aggregate as new: it schedules the open ones once and skips the finished ones, with no job for
 * any rung already recorded in the stream.
 */
export function deadlineSchedulingFor<K extends string, S, L extends S, E extends Event>(
  a: ScheduledAggregate<K, S, L, E>,
): {
  projection: Projection<ScheduledDoc<K, S>, E, DeadlineEnv>;
  hooks: (deps: DeadlineSchedulingDeps) => ProjectionHooks<ScheduledDoc<K, S>, DeadlineEnv>;
} {
  type Doc = ScheduledDoc<K, S>;
  const doc = (state: S | null, plan: readonly DeadlineJob[], overdue: DeadlineJob | null): Doc =>
    ({ [a.field]: state, plan, overdue }) as Doc;
  const stateOf = (d: Doc): S | null => (d as Record<K, S | null>)[a.field];

  /** The document with its next rung as a job; the state dropped once nothing can be planned any more. */
  const planned = (d: Doc, id: string, env: DeadlineEnv): Doc => {
    const state = stateOf(d);
    const live = state === null ? null : a.received(state);
    if (live === null) return doc(state, [], null);
    const version = a.calendarVersion(live);
    const calendar = env.calendars.get(version);
    if (!calendar) throw new Error(`calendar ${version} not loaded`);
    const { next, overdue, settled } = a.plan(live, calendar, env.policy);
    const code = a.jobCode(id);
    const job = (rung: DeadlineInstant): DeadlineJob => ({
      id: deadlineJobId(rung.stage, code, rung.dueMs),
      code,
      ...rung,
    });
    return doc(settled ? null : state, next ? [job(next)] : [], overdue && job(overdue));
  };

  const projection: Projection<Doc, E, DeadlineEnv> = {
    name: a.name,
    version: 1,
    streamPrefixes: [a.streamPrefix],
    canHandle: a.canHandle,
    documentId: (e) =>
      e.streamName.startsWith(a.streamPrefix) ? e.streamName.slice(a.streamPrefix.length) : undefined,
    initialState: () => doc(a.initialState(), [], null),
    evolve: (d, e) => {
      const state = stateOf(d);
      return state === null ? d : ({ ...d, [a.field]: a.evolve(state, e.event) } as Doc);
    },
    settle: (d, id, env) => planned(d, id, env),
    indexes: (d) => {
      const entries: IndexEntry[] = d.plan.map((job) => ({
        set: 'jobs',
        score: job.atMs,
        member: jobMember(job),
      }));
      const overdue = d.overdue === undefined ? d.plan.filter((j) => j.stage === 'overdue') : [d.overdue];
      for (const job of overdue)
        if (job) entries.push({ set: 'overdue', score: job.atMs, member: jobMember(job) });
      return entries;
    },
  };

  const hooks = (deps: DeadlineSchedulingDeps): ProjectionHooks<Doc, DeadlineEnv> => ({
    async environment(docs) {
      const versions = new Set<string>();
      for (const d of docs) {
        const state = stateOf(d);
        const live = state === null ? null : a.received(state);
        if (live !== null) versions.add(a.calendarVersion(live));
      }
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

  return { projection, hooks };
}

const dossiers = deadlineSchedulingFor({
  name: 'deadline-scheduling',
  streamPrefix: 'dossier-',
  canHandle: DOSSIER_EVENT_TYPES,
  field: 'dossier',
  initialState: () => sharedDossierFold.initial,
  evolve: (state: DossierState, event: DossierEvent) => sharedDossierFold.evolve(state, event),
  received: (state) => (isDossier(state) ? state : null),
  calendarVersion: (dossier) => dossier.calendarVersion,
  plan: (dossier, calendar, policy) => {
    const { next, overdue } = deadlinePlan(dossier, calendar, ladderFor(policy, dossier.procedureCode));
    return { next, overdue, settled: dossier.finishedAt !== null && next === null };
  },
  jobCode: (code) => code,
});

/** `deadline-scheduling.v1`: each open dossier's next rung on the deadline ladder (deadlineSchedulingFor). */
export const deadlineSchedulingProjection: Projection<DeadlineDoc, DossierEvent, DeadlineEnv> =
  dossiers.projection;
/** `deadline-scheduling.v1`'s environment and effects. */
export const deadlineSchedulingHooks = dossiers.hooks;

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
