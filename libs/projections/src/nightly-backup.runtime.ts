import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  ENVIRONMENT,
  Environment,
  bullConnection,
  bullPrefix,
  nightlyBackupName,
  pruneBackups,
  takeBackup,
  type BackupManifest,
} from '@tracker/infrastructure';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { join } from 'node:path';

export const BACKUP_QUEUE = 'nightly-backup';
/** 02:00 in the offices' time zone, every night. */
export const NIGHTLY_BACKUP_REPEAT = { pattern: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' } as const;

/**
 * With EVENTSTORE_BACKUP_DIR (and the embedded event store), the worker backs the log up every night at
 * 02:00 Asia/Ho_Chi_Minh and keeps the last EVENTSTORE_BACKUP_KEEP copies. A BullMQ job scheduler: with
 * several processes, each night's backup is taken once.
 */
@Injectable()
export class NightlyBackupRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('backup');
  private connection?: Redis;
  private queue?: Queue;
  private worker?: Worker;

  constructor(@Inject(ENVIRONMENT) private readonly env: Environment) {}

  get enabled(): boolean {
    return Boolean(this.env.EVENTSTORE_BACKUP_DIR) && !this.env.EVENTSTORE_CONNECTION_STRING;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const prefix = bullPrefix(this.env.REDIS_KEY_PREFIX);
    this.connection = bullConnection(this.env.REDIS_URL);
    this.queue = new Queue(BACKUP_QUEUE, {
      connection: this.connection,
      prefix,
      defaultJobOptions: { removeOnComplete: 30, removeOnFail: 30 },
    });
    this.worker = new Worker(BACKUP_QUEUE, () => this.runOnce(), {
      connection: this.connection,
      prefix,
      concurrency: 1,
    });
    this.worker.on('failed', (_job, error) => this.logger.error(`nightly backup failed: ${error.message}`));
    await this.queue.upsertJobScheduler(BACKUP_QUEUE, NIGHTLY_BACKUP_REPEAT, { name: 'backup' });
    this.logger.log(
      `a backup of ${this.env.EVENTSTORE_DATA_DIR} every night at 02:00 (Asia/Ho_Chi_Minh) into ${this.env.EVENTSTORE_BACKUP_DIR}, keeping ${this.env.EVENTSTORE_BACKUP_KEEP}`,
    );
  }

  /** One backup into EVENTSTORE_BACKUP_DIR, then the oldest beyond EVENTSTORE_BACKUP_KEEP deleted. */
  async runOnce(now = new Date()): Promise<BackupManifest> {
    const dir = this.env.EVENTSTORE_BACKUP_DIR!;
    const manifest = await takeBackup({
      dataDir: this.env.EVENTSTORE_DATA_DIR,
      file: join(dir, nightlyBackupName(now)),
    });
    const removed = await pruneBackups(dir, this.env.EVENTSTORE_BACKUP_KEEP);
    this.logger.log(
      `backup ${manifest.file}: ${manifest.events} records up to position ${manifest.lastPosition}` +
        (removed.length ? `; removed ${removed.join(', ')}` : ''),
    );
    return manifest;
  }

  /** The job scheduler as stored in Redis (for tests and health). */
  async schedule() {
    return this.queue?.getJobScheduler(BACKUP_QUEUE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
