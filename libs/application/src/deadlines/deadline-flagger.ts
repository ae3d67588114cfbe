import {
  DomainError,
  type Command,
  type Decider,
  type Event,
  dossierDecider,
  dossierStreamName,
  feedbackDecider,
  feedbackStreamName,
  type FeedbackCommand,
  instantFromMs,
  type Actor,
  type DossierCommand,
} from '@tracker/domain';
import { handleCommand } from '../command-handling/handle-command';
import type { Clock } from '../ports/clock.port';
import type { EventStore } from '../ports/event-store.port';
import type { DeadlineJob } from './deadline-scheduler.port';
import { FEEDBACK_JOB_PREFIX } from './feedback-deadline-scheduling.projection';

const SYSTEM: Actor = { subject: 'deadline-worker', role: 'system' };

export type FlagOutcome = 'recorded' | 'nothing' | 'early' | 'no-dossier';

/**
 * The use case behind a firing job and the sweep: re-read the dossier and let the decider say whether the
 * stage still holds. The command is dated at the job's instant (the due instant for an overdue), so the
 * event says when the dossier reached the stage, not when a worker got round to it; the decider judges the
 * dossier as it stood then, and a fact recorded later that contradicts it is answered by a retraction.
 */
export class DeadlineFlagger {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** `early` when the clock has not reached the job's instant yet (the caller waits and retries). */
  async flag(job: DeadlineJob): Promise<FlagOutcome> {
    if (this.clock.now().getTime() < job.atMs) return 'early';
    const at = instantFromMs(job.atMs);
    const dueAt = instantFromMs(job.dueMs);
    if (job.code.startsWith(FEEDBACK_JOB_PREFIX)) return this.flagFeedback(job, at, dueAt);
    const command: DossierCommand =
      job.stage === 'overdue'
        ? { type: 'FlagOverdue', data: { now: dueAt, actor: SYSTEM, dueAt } }
        : { type: 'FlagDueSoon', data: { now: at, actor: SYSTEM, stage: job.stage, dueAt } };
    return this.recheck(job, dossierStreamName(job.code), dossierDecider, command, 'DOSSIER_NOT_FOUND');
  }

  /** A feedback item's rung: the same re-check through the feedback decider. */
  private async flagFeedback(job: DeadlineJob, at: string, dueAt: string): Promise<FlagOutcome> {
    const stage = job.stage;
    if (stage === 'apology-needed') return 'nothing'; // feedback has no apology
    const command: FeedbackCommand =
      stage === 'overdue'
        ? { type: 'FlagFeedbackOverdue', data: { now: dueAt, actor: SYSTEM, dueAt } }
        : { type: 'FlagFeedbackDueSoon', data: { now: at, actor: SYSTEM, stage, dueAt } };
    const stream = feedbackStreamName(job.code.slice(FEEDBACK_JOB_PREFIX.length));
    return this.recheck(job, stream, feedbackDecider, command, 'FEEDBACK_NOT_FOUND');
  }

  /** The job's command on its stream, by the system; `no-dossier` when the decider says `notFound`. */
  private async recheck<S, C extends Command, E extends Event>(
    job: DeadlineJob,
    stream: string,
    decider: Decider<S, C, E>,
    command: C,
    notFound: string,
  ): Promise<FlagOutcome> {
    try {
      const result = await handleCommand(this.store, stream, decider, command, {
        actor: SYSTEM.subject,
        role: SYSTEM.role,
        correlationId: job.id,
        // Deterministic event ids: two workers racing on the same job write the same event, once.
        idempotencyScope: `deadline:${job.id}`,
      });
      return result.newEvents.length ? 'recorded' : 'nothing';
    } catch (error) {
      if (error instanceof DomainError && error.code === notFound) return 'no-dossier';
      throw error;
    }
  }
}
