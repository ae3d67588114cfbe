import type { PortalSyncFailure, PortalSyncFailures } from '@tracker/application';
import type { Redis } from 'ioredis';

/**
 * The pushes that failed every attempt, one per dossier, in a Redis hash: what admins see until a resend or
 * a later accepted push clears it. Lost with Redis, it comes back: the outbox replays, queues the pushes not
 * accepted again and they fail again.
 */
export class RedisPortalSyncFailures implements PortalSyncFailures {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.key = `${keyPrefix}portal-sync:failed`;
  }

  async record(failure: PortalSyncFailure): Promise<void> {
    await this.redis.hset(this.key, failure.code, JSON.stringify(failure));
  }

  async clear(code: string): Promise<void> {
    await this.redis.hdel(this.key, code);
  }

  async list(): Promise<PortalSyncFailure[]> {
    const all = await this.redis.hvals(this.key);
    return all
      .map((raw) => JSON.parse(raw) as PortalSyncFailure)
      .sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  }

  async get(code: string): Promise<PortalSyncFailure | undefined> {
    const raw = await this.redis.hget(this.key, code);
    return raw === null ? undefined : (JSON.parse(raw) as PortalSyncFailure);
  }
}
