import type { DeadlinePolicy, DeadlineStage } from '@tracker/domain';

export const DEADLINE_SCHEDULER = Symbol('DEADLINE_SCHEDULER');
export const DEADLINE_OPTIONS = Symbol('DEADLINE_OPTIONS');

/** One delayed check of one dossier. `id` is deterministic (deadlineJobId), so adding it twice adds nothing. */
export type DeadlineJob = Readonly<{
  id: string;
  code: string;
  stage: DeadlineStage;
  /** When the check is due (epoch ms). */
  atMs: number;
  /** The effective due instant the rung was computed from: the decider ignores the job if it moved. */
  dueMs: number;
}>;

/** Delayed jobs (BullMQ in production). Every method is idempotent. */
export interface DeadlineScheduler {
  /** Adds the jobs not already there; each fires `atMs - nowMs` from now (at once when past). */
  schedule(jobs: readonly DeadlineJob[], nowMs: number): Promise<void>;
  /** Removes waiting or delayed jobs (best effort: a job that fires anyway finds nothing to do). */
  cancel(ids: readonly string[]): Promise<void>;
  /** The ids among these that have no job (never added, lost with Redis, or dropped after failing). */
  missing(ids: readonly string[]): Promise<string[]>;
  /** Runs now the jobs still delayed although their instant passed by the tracker's clock; how many. */
  promote(ids: readonly string[]): Promise<number>;
}

export type DeadlineOptions = Readonly<{
  policy?: DeadlinePolicy;
  /** Period of the repair sweep (default 60 s). */
  sweepEveryMs?: number;
  /** The sweep checks jobs due up to this far ahead (default 1 h; more than sweepEveryMs). */
  sweepHorizonMs?: number;
  /** An overdue job this late is flagged by the sweep itself (default 5 s). */
  sweepGraceMs?: number;
  /** Processor concurrency (default 32). */
  concurrency?: number;
}>;
