import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { unlinkMatching } from './unlink-matching';

/**
 * For a spec file of this library: a connection to the test Redis (REDIS_URL) and a key prefix of its own;
 * `close` (the file's afterAll) removes the prefix's keys and quits.
 */
export function specRedis(tail = ''): { redis: Redis; prefix: string; close(): Promise<void> } {
  const prefix = `test:${randomUUID()}:${tail}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return {
    redis,
    prefix,
    close: async () => {
      await unlinkMatching(redis, `${prefix}*`);
      await redis.quit();
    },
  };
}
