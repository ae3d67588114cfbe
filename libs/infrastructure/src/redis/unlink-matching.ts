import type { Redis } from 'ioredis';

/** Removes every key matching a pattern, SCAN by SCAN with UNLINK, so a large keyspace never blocks Redis. */
export async function unlinkMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
