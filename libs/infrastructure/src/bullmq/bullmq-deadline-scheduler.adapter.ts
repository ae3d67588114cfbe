import type { DeadlineJob, DeadlineScheduler } from '@tracker/application';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const DEADLINE_QUEUE = 'deadlines';
/** `logId`: the log the job was planned from (log-identity.ts); the processor drops another log's jobs. */
export type DeadlineJobData = Omit<DeadlineJob, 'id'> & { logId?: string };

/** The BullMQ id of a job: prefixed with its log's id, so a job of another log never blocks this log's job. */
export const bullJobId = (id: string, logId: string | undefined): string => (logId ? `${logId}.${id}` : id);

/**
 * Deadlines as BullMQ delayed jobs. Ids are deterministic: BullMQ ignores an add whose id exists (waiting,
 * delayed, active, or completed and kept for a day), so a replay or a second scheduler adds nothing. A job
 * that fails every attempt is dropped, so the sweep sees it missing and adds it again.
 */
export class BullmqDeadlineScheduler implements DeadlineScheduler {
  readonly queue: Queue<DeadlineJobData>;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** The current log's id (undefined: jobs without one, as before log identities). */
    private readonly logId: () => string | undefined = () => undefined,
  ) {
    this.queue = new Queue<DeadlineJobData>(DEADLINE_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: true,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
      },
    });
    // Its connections' errors are Redis outages, reported once by watchRedis; unheard, BullMQ prints each.
    this.queue.on('error', () => undefined);
  }

  private bullId(id: string): string {
    return bullJobId(id, this.logId());
  }

  async schedule(jobs: readonly DeadlineJob[], nowMs: number): Promise<void> {
    const logId = this.logId();
    for (let i = 0; i < jobs.length; i += 1_000) {
      await this.queue.addBulk(
        jobs.slice(i, i + 1_000).map(({ id, ...data }) => ({
          name: data.stage,
          data: logId ? { ...data, logId } : data,
          opts: { jobId: bullJobId(id, logId), delay: Math.max(0, data.atMs - nowMs) },
        })),
      );
    }
  }

  async cancel(ids: readonly string[]): Promise<void> {
    // remove() answers 0 for a job a worker holds: it runs and the decider finds nothing to do.
    await Promise.all(ids.map((id) => this.queue.remove(this.bullId(id))));
  }

  async missing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const key = (id: string) => `${this.prefix}:${DEADLINE_QUEUE}:${id}`;
    const pipeline = this.connection.pipeline();
    for (const id of ids) pipeline.exists(key(this.bullId(id)));
    const results = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => results[i]?.[1] !== 1);
  }

  async promote(ids: readonly string[]): Promise<number> {
    let promoted = 0;
    for (const id of ids) {
      const job = await this.queue.getJob(this.bullId(id));
      if (job && (await job.isDelayed())) {
        await job.promote().catch(() => undefined); // it may have just moved on its own
        promoted++;
      }
    }
    return promoted;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
