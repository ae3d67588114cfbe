import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What a session holds: who logged in, and a fingerprint of the password they logged in with. */
export type SessionRecord = Readonly<{ name: string; credential: string; createdAt: number }>;

export type SessionLifetime = Readonly<{
  /** Sliding: every request made with the session moves its end this far ahead. */
  idleSeconds: number;
  /** Fixed: the session ends this long after the login whatever its use. */
  absoluteSeconds: number;
}>;

/** Two hours without a request end a session (sliding); none outlives 12 hours after its login (fixed). */
export const SESSION_LIFETIME: SessionLifetime = { idleSeconds: 2 * 3600, absoluteSeconds: 12 * 3600 };

/**
 * Login sessions in Redis. The id is 32 random bytes given only to the browser (in its cookie); Redis keeps
 * it hashed (SHA-256) as the key, so a read of Redis does not yield usable cookies. Each key carries its TTL.
 */
export class RedisSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly lifetime: SessionLifetime = SESSION_LIFETIME,
    private readonly now: () => number = Date.now,
  ) {}

  async create(session: Omit<SessionRecord, 'createdAt'>): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const record: SessionRecord = { ...session, createdAt: this.now() };
    await this.redis.set(this.keyOf(id), JSON.stringify(record), 'EX', this.lifetime.idleSeconds);
    return id;
  }

  /** The session of `id` with its idle end moved ahead (never past its absolute end); undefined when ended. */
  async touch(id: string): Promise<SessionRecord | undefined> {
    if (!/^[\w-]{43}$/.test(id)) return undefined;
    const key = this.keyOf(id);
    const raw = await this.redis.getex(key, 'EX', this.lifetime.idleSeconds);
    if (raw === null) return undefined;
    const record = JSON.parse(raw) as SessionRecord;
    const left = Math.floor((record.createdAt + this.lifetime.absoluteSeconds * 1000 - this.now()) / 1000);
    if (left <= 0) {
      await this.redis.del(key);
      return undefined;
    }
    if (left < this.lifetime.idleSeconds) await this.redis.expire(key, left);
    return record;
  }

  async destroy(id: string): Promise<void> {
    if (/^[\w-]{43}$/.test(id)) await this.redis.del(this.keyOf(id));
  }

  private keyOf(id: string): string {
    return `${this.prefix}session:${createHash('sha256').update(id).digest('hex')}`;
  }
}
