import { Logger } from '@nestjs/common';
import { loadEnvironment, unlinkMatching, verifyBackup } from '@tracker/infrastructure';
import { uniqueToken } from '@tracker/testing';
import { Redis } from 'ioredis';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NightlyBackupRuntime } from './nightly-backup.runtime';

jest.setTimeout(30_000);

let root: string;
const prefix = `test:${uniqueToken()}:`;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nightly-'));
  Logger.overrideLogger(false);
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  const redis = new Redis('redis://127.0.0.1:6379');
  await unlinkMatching(redis, `${prefix}*`);
  await redis.quit();
});

it('without EVENTSTORE_BACKUP_DIR, or with an external event store, nothing is scheduled', async () => {
  const none = new NightlyBackupRuntime(loadEnvironment({ REDIS_KEY_PREFIX: prefix }));
  await none.onApplicationBootstrap();
  expect(await none.schedule()).toBeUndefined();
  const external = new NightlyBackupRuntime(
    loadEnvironment({ EVENTSTORE_BACKUP_DIR: root, EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113' }),
  );
  expect(external.enabled).toBe(false);
});

it('backs up at 02:00 Asia/Ho_Chi_Minh every night and keeps the newest EVENTSTORE_BACKUP_KEEP', async () => {
  const dir = join(root, 'backups');
  const runtime = new NightlyBackupRuntime(
    loadEnvironment({
      REDIS_KEY_PREFIX: prefix,
      EVENTSTORE_DATA_DIR: join(root, 'data'),
      EVENTSTORE_BACKUP_DIR: dir,
      EVENTSTORE_BACKUP_KEEP: '2',
    }),
  );
  try {
    await runtime.onApplicationBootstrap();
    const schedule = await runtime.schedule();
    expect(schedule).toMatchObject({ pattern: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' });
    // 02:00 at UTC+7 is 19:00 UTC.
    expect(new Date(Number(schedule!.next)).toISOString()).toMatch(/T19:00:00\.000Z$/);

    const manifests = [];
    for (const day of [1, 2, 3]) manifests.push(await runtime.runOnce(new Date(Date.UTC(2026, 0, day, 19))));
    writeFileSync(join(dir, 'keep-me.txt'), '');
    expect(readdirSync(dir).sort()).toEqual([
      'events-20260103-020000.sqlite',
      'events-20260103-020000.sqlite.manifest.json',
      'events-20260104-020000.sqlite',
      'events-20260104-020000.sqlite.manifest.json',
      'keep-me.txt',
    ]);
    expect(await verifyBackup(join(dir, 'events-20260104-020000.sqlite'))).toEqual(manifests[2]);
  } finally {
    await runtime.onApplicationShutdown();
  }
});
