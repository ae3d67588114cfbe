import type { DeadlineFlagger, LogIdentity } from '@tracker/application';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEADLINE_QUEUE, type DeadlineJobData } from './bullmq-deadline-scheduler.adapter';

/**
 * The BullMQ worker of the deadline queue: a firing job only dispatches the flag command (the decider
 * re-checks the dossier). A job that fires before the tracker's clock reaches its instant (clock skew, a
 * test clock) goes back to the delayed set for the difference.
 */
export class DeadlineProcessor {
  readonly worker: Worker<DeadlineJobData>;

  constructor(
    flagger: DeadlineFlagger,
    clockNow: () => number,
    connection: Redis,
    prefix: string,
    concurrency = 32,
    /** The log's identity: a job planned from another log (before a restore, say) is dropped, not run. */
    identity?: Pick<LogIdentity, 'current' | 'read'>,
  ) {
    this.worker = new Worker<DeadlineJobData>(
      DEADLINE_QUEUE,
      async (job: Job<DeadlineJobData>, token?: string) => {
        const { logId, ...data } = job.data;
        if (identity && logId !== identity.current && logId !== (await identity.read())) return 'other-log';
        const id = logId && job.id!.startsWith(`${logId}.`) ? job.id!.slice(logId.length + 1) : job.id!;
        const outcome = await flagger.flag({ id, ...data });
        if (outcome === 'early') {
          const wait = Math.max(1, job.data.atMs - clockNow());
          await job.moveToDelayed(Date.now() + wait, token);
          throw new DelayedError();
        }
        return outcome;
      },
      { connection, prefix, concurrency },
    );
    // Its connections' errors are Redis outages, reported once by watchRedis; unheard, BullMQ prints each.
    this.worker.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
