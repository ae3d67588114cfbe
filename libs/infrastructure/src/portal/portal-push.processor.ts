import type { PortalSyncer, PortalSyncFailures } from '@tracker/application';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { PORTAL_PUSH_QUEUE_NAME, type PortalPushJobData } from './bullmq-portal-push.queue';

export type PortalPushProcessorOptions = Readonly<{
  /** Pushes in flight at once (different dossiers). */
  concurrency?: number;
  /** How long a dossier's lock lives if its holder dies (another job of it waits at most this long). */
  lockMs?: number;
  /** Told after each accepted push (the bench measures with it). */
  onPushed?: (pushId: string) => void;
}>;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The BullMQ worker of the portal outbox. One job at a time per dossier (a Redis lock; a second job of the
 * same dossier waits a moment in the delayed set), so its pushes reach the portal in the order they were
 * recorded. A job that fails every attempt is recorded for admins; a later success of the dossier clears it.
 */
export class PortalPushProcessor {
  readonly worker: Worker<PortalPushJobData>;

  constructor(
    syncer: PortalSyncer,
    private readonly failures: PortalSyncFailures,
    connection: Redis,
    prefix: string,
    keyPrefix: string,
    options: PortalPushProcessorOptions = {},
  ) {
    const lockMs = options.lockMs ?? 30_000;
    const lockKey = (code: string) => `${keyPrefix}portal-sync:lock:${code}`;
    this.worker = new Worker<PortalPushJobData>(
      PORTAL_PUSH_QUEUE_NAME,
      async (job: Job<PortalPushJobData>, token?: string) => {
        const key = lockKey(job.data.code);
        const mine = randomUUID();
        if ((await connection.set(key, mine, 'PX', lockMs, 'NX')) !== 'OK') {
          await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 200), token);
          throw new DelayedError();
        }
        try {
          const outcome = await syncer.sync(job.data.code, job.data.revision, options.onPushed);
          await failures.clear(job.data.code);
          return outcome.pushed;
        } finally {
          await connection.eval(RELEASE, 1, key, mine);
        }
      },
      { connection, prefix, concurrency: options.concurrency ?? 8 },
    );
    this.worker.on('failed', (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      void this.failures
        .record({
          code: job.data.code,
          unitId: job.data.unitId,
          pushId: job.id!,
          error: error.message,
          attempts: job.attemptsMade,
          failedAt: new Date().toISOString(),
        })
        .catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
