import type { Redis } from 'ioredis';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '@tracker/application';

type Entry = { hash: string; response?: StoredResponse };

/**
 * Claims in one round trip, atomically: the key is set (with a lease) when it is free, else its entry is
 * returned. Two copies of a request racing on one key thus see exactly one `claimed`. A script rather than
 * `SET … NX GET` so that Redis before 7.0 serves it too.
 */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return redis.call('GET', KEYS[1])
`;

/** Frees a claim that is still running (no answer recorded) for the same request; a recorded answer stays. */
const RELEASE = `
local raw = redis.call('GET', KEYS[1])
if raw and raw == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Idempotency keys in Redis. A claim is a SET NX with a short lease (a crashed request frees its key); the
 * answer is then kept for a day. Each call is one round trip. Losing Redis loses only the replayed answer:
 * event ids derive from the key, so the event store still refuses to record a retried write twice.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'tracker:idem:',
    private readonly leaseMs = 30_000,
    private readonly keepMs = 24 * 3600_000,
  ) {}

  async claim(scope: string, requestHash: string): Promise<IdempotencyClaim> {
    const raw = (await this.redis.eval(CLAIM, 1, this.prefix + scope, pending(requestHash), this.leaseMs)) as
      string | null;
    if (raw === null) return { outcome: 'claimed' };
    const entry = JSON.parse(raw) as Entry;
    if (entry.hash !== requestHash) return { outcome: 'mismatch' };
    return entry.response ? { outcome: 'replay', response: entry.response } : { outcome: 'in-progress' };
  }

  async complete(scope: string, requestHash: string, response: StoredResponse): Promise<void> {
    const entry: Entry = { hash: requestHash, response };
    await this.redis.set(this.prefix + scope, JSON.stringify(entry), 'PX', this.keepMs);
  }

  async release(scope: string, requestHash: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.prefix + scope, pending(requestHash));
  }
}

const pending = (hash: string): string => JSON.stringify({ hash } satisfies Entry);
