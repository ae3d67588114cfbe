import {
  DOSSIER_EVENT_TYPES,
  DossierEvent,
  DossierState,
  evolveDossier,
  initialDossierState,
} from '@tracker/domain';
import type { IndexEntry, Projection } from '../projections/projection';
import type { DeadlineJob } from './deadline-scheduler.port';

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

/**
 * `deadline-scheduling.v1`. Its fold keeps the dossier's state; the reactor (not the fold: it needs the
 * calendar) sets `plan` and `overdue` before each commit. Indexes: `jobs` (every scheduled job, by its
 * instant) and `overdue` (the pending overdue rung, by due instant, scheduled or not), both with
 * `<atMs>|<jobId>` members.
 */
export const deadlineSchedulingProjection: Projection<DeadlineDoc, DossierEvent> = {
  name: 'deadline-scheduling',
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => ({ dossier: initialDossierState(), plan: [] }),
  evolve: (doc, e) => (doc.dossier === null ? doc : { ...doc, dossier: evolveDossier(doc.dossier, e.event) }),
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
