import type { Redis } from 'ioredis';

/**
 * Removes every key matching a pattern (and `which`, when given), SCAN by SCAN with UNLINK, so a large keyspace
 * never blocks Redis.
 */
export async function unlinkMatching(
  redis: Redis,
  pattern: string,
  which: (key: string) => boolean = () => true,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const keys = found.filter(which);
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
