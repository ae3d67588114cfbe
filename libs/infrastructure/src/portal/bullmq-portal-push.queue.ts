import type { PortalPushJob, PortalPushQueue } from '@tracker/application';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const PORTAL_PUSH_QUEUE_NAME = 'portal-sync';
export type PortalPushJobData = Omit<PortalPushJob, 'id'>;

export type PortalPushRetry = Readonly<{ attempts?: number; backoffMs?: number }>;

/**
 * The portal pushes as BullMQ jobs, one per push, with the push's id (`{code}@{revision}`): an id already
 * waiting, running, failed or done within the day is not added again, so a replay of the outbox adds
 * nothing. Retries back off exponentially (1 s, 2 s, 4 s … by default: 10 attempts span about 17 minutes);
 * a job that fails every attempt stays in the failed set, its dossier listed for admins, until resent.
 */
export class BullmqPortalPushQueue implements PortalPushQueue {
  readonly queue: Queue<PortalPushJobData>;

  constructor(connection: Redis, prefix: string, retry: PortalPushRetry = {}) {
    this.queue = new Queue<PortalPushJobData>(PORTAL_PUSH_QUEUE_NAME, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: retry.attempts ?? 10,
        backoff: { type: 'exponential', delay: retry.backoffMs ?? 1_000 },
        removeOnComplete: { age: 24 * 3600, count: 100_000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async enqueue(jobs: readonly PortalPushJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 1_000) {
      await this.queue.addBulk(
        jobs.slice(i, i + 1_000).map(({ id, ...data }) => ({ name: 'push', data, opts: { jobId: id } })),
      );
    }
  }

  async resend(code: string, unitId: string, revision: number): Promise<string> {
    const id = `${code}@${revision}~resend-${Date.now()}`;
    await this.queue.add('push', { code, unitId, revision }, { jobId: id });
    return id;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
