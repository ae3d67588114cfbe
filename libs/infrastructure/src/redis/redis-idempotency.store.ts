import type { Redis } from 'ioredis';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '@tracker/application';

type Entry = { hash: string; response?: StoredResponse };

/**
 * Idempotency keys in Redis. A claim is a SET NX with a short lease (a crashed request frees its key); the
 * answer is then kept for a day. Losing Redis loses only the replayed answer: event ids derive from the
 * key, so the event store still refuses to record a retried write twice.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tracker:idem:',
    private readonly leaseMs = 30_000,
    private readonly keepMs = 24 * 3600_000,
  ) {}

  async claim(scope: string, requestHash: string): Promise<IdempotencyClaim> {
    const key = this.prefix + scope;
    const set = await this.redis.set(
      key,
      JSON.stringify({ hash: requestHash } satisfies Entry),
      'PX',
      this.leaseMs,
      'NX',
    );
    if (set === 'OK') return { outcome: 'claimed' };
    const raw = await this.redis.get(key);
    if (raw === null) return this.claim(scope, requestHash); // expired in between
    const entry = JSON.parse(raw) as Entry;
    if (entry.hash !== requestHash) return { outcome: 'mismatch' };
    return entry.response ? { outcome: 'replay', response: entry.response } : { outcome: 'in-progress' };
  }

  async complete(scope: string, requestHash: string, response: StoredResponse): Promise<void> {
    const entry: Entry = { hash: requestHash, response };
    await this.redis.set(this.prefix + scope, JSON.stringify(entry), 'PX', this.keepMs);
  }

  async release(scope: string): Promise<void> {
    await this.redis.del(this.prefix + scope);
  }
}
