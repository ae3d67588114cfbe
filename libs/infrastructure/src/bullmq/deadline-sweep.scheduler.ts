import type { DeadlineSweep, SweepReport } from '@tracker/application';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export const SWEEP_QUEUE = 'deadline-sweep';

/**
 * The sweep as a BullMQ repeatable job (one job scheduler, `every` ms): with several workers each tick runs
 * once, on one of them.
 */
export class DeadlineSweepScheduler {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private watchdog?: NodeJS.Timeout;

  constructor(
    sweep: DeadlineSweep,
    connection: Redis,
    prefix: string,
    private readonly everyMs: number,
    onReport?: (report: SweepReport) => void,
  ) {
    this.queue = new Queue(SWEEP_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    this.worker = new Worker(
      SWEEP_QUEUE,
      async () => {
        const report = await sweep.run();
        onReport?.(report);
        return report;
      },
      { connection, prefix, concurrency: 1, autorun: false },
    );
    // Its connections' errors are Redis outages, reported once by watchRedis; unheard, BullMQ prints each.
    this.queue.on('error', () => undefined);
    this.worker.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.ensureScheduled();
    void this.worker.run();
    // The job scheduler lives in Redis: if Redis loses it, put it back (the sweep is what repairs a loss).
    this.watchdog = setInterval(() => void this.ensureScheduled().catch(() => undefined), this.everyMs);
    this.watchdog.unref();
  }

  private async ensureScheduled(): Promise<void> {
    if (await this.queue.getJobScheduler('deadline-sweep')) return;
    await this.queue.upsertJobScheduler('deadline-sweep', { every: this.everyMs }, { name: 'sweep' });
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await this.worker.close();
    await this.queue.close();
  }
}
