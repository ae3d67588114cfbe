import {
  DEFAULT_DEADLINE_POLICY,
  deadlineJobId,
  evolveFeedback,
  feedbackDeadlinePlan,
  initialFeedbackState,
  isFeedback,
  type DeadlineInstant,
  type FeedbackEvent,
  type FeedbackState,
  type WorkingCalendar,
} from '@tracker/domain';
import type { IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import { FEEDBACK_EVENT_TYPES } from '../projections/feedback-list.projection';
import type { DeadlineEnv, DeadlineSchedulingDeps } from './deadline-scheduling.projection';
import { jobMember } from './deadline-scheduling.projection';
import type { DeadlineJob } from './deadline-scheduler.port';

/** A feedback item's jobs carry this prefix in their `code`, so the flagger and the sweep tell them apart. */
export const FEEDBACK_JOB_PREFIX = 'feedback:';

export type FeedbackDeadlineDoc = Readonly<{
  item: FeedbackState | null;
  plan: readonly DeadlineJob[];
  overdue: DeadlineJob | null;
}>;

/**
 * `feedback-deadline-scheduling.v1`: the feedback items' rungs on the deadline ladder, as
 * deadline-scheduling.v1 plans the dossiers' (one job per item, its next rung; the overdue rung indexed
 * for the sweep). Same indexes (`jobs`, `overdue`), same jobs queue, job codes `feedback:<id>`.
 */
export const feedbackDeadlineSchedulingProjection: Projection<
  FeedbackDeadlineDoc,
  FeedbackEvent,
  DeadlineEnv
> = {
  name: 'feedback-deadline-scheduling',
  version: 1,
  streamPrefixes: ['feedback-'],
  canHandle: FEEDBACK_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('feedback-') ? e.streamName.slice('feedback-'.length) : undefined,
  initialState: () => ({ item: initialFeedbackState(), plan: [], overdue: null }),
  evolve: (doc, e) => (doc.item === null ? doc : { ...doc, item: evolveFeedback(doc.item, e.event) }),
  settle: (doc, id, env) => planned(doc, id, env),
  indexes: (doc) => {
    const entries: IndexEntry[] = doc.plan.map((job) => ({
      set: 'jobs',
      score: job.atMs,
      member: jobMember(job),
    }));
    if (doc.overdue)
      entries.push({ set: 'overdue', score: doc.overdue.atMs, member: jobMember(doc.overdue) });
    return entries;
  },
};

function planned(doc: FeedbackDeadlineDoc, id: string, env: DeadlineEnv): FeedbackDeadlineDoc {
  const item = doc.item;
  if (item === null || !isFeedback(item)) return { item, plan: [], overdue: null };
  const calendar = env.calendars.get(item.calendarVersion);
  if (!calendar) throw new Error(`calendar ${item.calendarVersion} not loaded`);
  const { next, overdue } = feedbackDeadlinePlan(item, calendar, env.policy.default);
  const code = `${FEEDBACK_JOB_PREFIX}${id}`;
  const job = (rung: DeadlineInstant): DeadlineJob => ({
    id: deadlineJobId(rung.stage, code, rung.dueMs),
    code,
    ...rung,
  });
  // Finished for the unit holding it and nothing left to record: the state is dropped.
  const settled = item.owed === null && next === null;
  return { item: settled ? null : item, plan: next ? [job(next)] : [], overdue: overdue && job(overdue) };
}

/** Its environment (the calendars its items were received under) and effects (jobs out before the commit). */
export const feedbackDeadlineSchedulingHooks = (
  deps: DeadlineSchedulingDeps,
): ProjectionHooks<FeedbackDeadlineDoc, DeadlineEnv> => ({
  async environment(docs) {
    const versions = new Set<string>();
    for (const d of docs) if (d.item && isFeedback(d.item)) versions.add(d.item.calendarVersion);
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
      for (const jobId of before) if (!now.has(jobId)) cancel.push(jobId);
    }
    if (add.length) await deps.scheduler.schedule(add, deps.clock.now().getTime());
    if (cancel.length) await deps.scheduler.cancel(cancel);
  },
});
