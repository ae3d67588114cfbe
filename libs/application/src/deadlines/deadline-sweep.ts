import type { Clock } from '../ports/clock.port';
import type { ProjectionStore } from '../projections/projection-store.port';
import type { DeadlineFlagger } from './deadline-flagger';
import type { DeadlineJob, DeadlineScheduler } from './deadline-scheduler.port';
import { deadlineSchedulingProjection, jobOfMember } from './deadline-scheduling.projection';
import { feedbackDeadlineSchedulingProjection } from './feedback-deadline-scheduling.projection';

/** The planners whose `jobs` and `overdue` indexes the sweep guards: the dossiers' and the feedback's. */
const PLANNERS = [deadlineSchedulingProjection, feedbackDeadlineSchedulingProjection];

export type SweepReport = Readonly<{
  /** The reactor's read model was gone (Redis lost): its subscription was restarted from the start. */
  restarted: boolean;
  /** Jobs due within the horizon that were missing, added again. */
  rescheduled: number;
  /** Jobs still delayed past their instant by the tracker's clock, run now. */
  promoted: number;
  /** Overdue rungs past their instant (plus the grace) flagged directly; `recorded` of them were new. */
  flagged: number;
  recorded: number;
}>;

export type SweepSettings = Readonly<{ horizonMs: number; graceMs: number }>;

/** What the sweep needs of the subscriptions it guards: their position, and a restart from their checkpoint. */
export interface SweptSubscriptions {
  /** Subscriptions (by name) whose Redis checkpoint vanished while they had committed: restarts them. */
  restartLost(): Promise<boolean>;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The repair sweep (a periodic job). Its argument for "no overdue goes unrecorded":
 * 1. Every unfinished dossier whose clock runs has an overdue job in the reactor's plan, indexed by its due
 *    instant; so does a finished dossier whose overdue was never recorded. The plan leaves the index only
 *    when the stream holds the overdue (or the dossier finished in time).
 * 2. Each run flags every indexed overdue whose instant passed (plus a grace for the job itself) directly
 *    through the decider: lost job, failed job or no worker, it is recorded within one period.
 * 3. When Redis lost the index, it lost the reactor's checkpoint too: the sweep restarts the reactor, which
 *    replays the dossier streams from the start, re-plans every open dossier (a past overdue at once) and
 *    rebuilds the index for step 2.
 * It also re-adds the jobs due within the horizon that are missing, so due-soon alerts survive a loss too,
 * and runs the jobs whose instant passed by the tracker's clock but that BullMQ still holds back.
 */
export class DeadlineSweep {
  constructor(
    private readonly store: ProjectionStore,
    private readonly scheduler: DeadlineScheduler,
    private readonly flagger: DeadlineFlagger,
    private readonly clock: Clock,
    private readonly subscriptions: SweptSubscriptions,
    private readonly settings: SweepSettings,
  ) {}

  async run(): Promise<SweepReport> {
    const restarted = await this.subscriptions.restartLost();
    const report = { restarted, rescheduled: 0, promoted: 0, flagged: 0, recorded: 0 };
    for (const projection of PLANNERS) {
      const r = await this.runOver(projection);
      report.rescheduled += r.rescheduled;
      report.promoted += r.promoted;
      report.flagged += r.flagged;
      report.recorded += r.recorded;
    }
    return report;
  }

  private async runOver(
    projection: typeof deadlineSchedulingProjection | typeof feedbackDeadlineSchedulingProjection,
  ): Promise<Omit<SweepReport, 'restarted'>> {
    const generation = await this.store.activeGeneration(projection);
    if (generation === undefined) return { rescheduled: 0, promoted: 0, flagged: 0, recorded: 0 };
    const now = this.clock.now().getTime();

    const due = (
      await this.store.membersByScore(
        projection,
        generation,
        'jobs',
        -Infinity,
        now + this.settings.horizonMs,
      )
    )
      .map(jobOfMember)
      .filter((j): j is DeadlineJob => j !== undefined);
    let rescheduled = 0;
    let promoted = 0;
    for (const part of chunks(due, 1_000)) {
      const missing = new Set(await this.scheduler.missing(part.map((j) => j.id)));
      const lost = part.filter((j) => missing.has(j.id));
      if (lost.length) await this.scheduler.schedule(lost, now);
      rescheduled += lost.length;
      // Late: BullMQ counts real time, the tracker its clock (moved by an operator or a test).
      promoted += await this.scheduler.promote(
        part.filter((j) => j.atMs <= now && !missing.has(j.id)).map((j) => j.id),
      );
    }

    const late = (
      await this.store.membersByScore(
        projection,
        generation,
        'overdue',
        -Infinity,
        now - this.settings.graceMs,
      )
    )
      .map(jobOfMember)
      .filter((j): j is DeadlineJob => j !== undefined);
    let recorded = 0;
    for (const part of chunks(late, 16)) {
      const outcomes = await Promise.all(part.map((job) => this.flagger.flag(job)));
      recorded += outcomes.filter((o) => o === 'recorded').length;
    }
    return { rescheduled, promoted, flagged: late.length, recorded };
  }
}
