import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LoginThrottleRules = Readonly<{
  /** Failures in a row a name may have before each next one locks it for a while. */
  freePerName: number;
  /** The same for one client address, over every name (guessing many accounts from one place). */
  freePerAddress: number;
  /** The first lock; each further failure doubles it, up to `maxLockSeconds`. */
  firstLockSeconds: number;
  maxLockSeconds: number;
  /** Failures are forgotten after this long without another one. */
  forgetAfterSeconds: number;
}>;

export const LOGIN_THROTTLE: LoginThrottleRules = {
  freePerName: 5,
  freePerAddress: 20,
  firstLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  forgetAfterSeconds: 15 * 60,
};

/**
 * Failed logins slow the next ones, per name and per client address, in Redis (shared by every API process
 * and kept across restarts): after `free` failures in a row each failure locks for 30 s, 60 s, 120 s … up to
 * 15 min, during which attempts are refused without checking the password. A success clears the name.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rules: LoginThrottleRules = LOGIN_THROTTLE,
  ) {}

  /** Seconds until `name` from `address` may try again; 0 when it may now. */
  async retryAfter(name: string, address: string): Promise<number> {
    const [byName, byAddress] = await Promise.all([
      this.redis.pttl(this.key('lock', 'name', name)),
      this.redis.pttl(this.key('lock', 'addr', address)),
    ]);
    return Math.ceil(Math.max(byName, byAddress, 0) / 1000);
  }

  /**
   * One password check at a time per name: attempts sent in parallel would otherwise all pass the lock check
   * before the first failure is counted. False when another check of this name is under way.
   */
  async claim(name: string): Promise<boolean> {
    return (await this.redis.set(this.key('busy', 'name', name), '1', 'PX', 10_000, 'NX')) === 'OK';
  }

  async release(name: string): Promise<void> {
    await this.redis.del(this.key('busy', 'name', name));
  }

  async failed(name: string, address: string): Promise<void> {
    await Promise.all([
      this.count('name', name, this.rules.freePerName),
      this.count('addr', address, this.rules.freePerAddress),
    ]);
  }

  async succeeded(name: string): Promise<void> {
    await this.redis.del(this.key('fail', 'name', name), this.key('lock', 'name', name));
  }

  private async count(kind: string, who: string, free: number): Promise<void> {
    const key = this.key('fail', kind, who);
    const result = await this.redis.multi().incr(key).expire(key, this.rules.forgetAfterSeconds).exec();
    const failures = Number(result?.[0]?.[1] ?? 0);
    if (failures < free) return;
    const seconds = Math.min(this.rules.firstLockSeconds * 2 ** (failures - free), this.rules.maxLockSeconds);
    await this.redis.set(this.key('lock', kind, who), '1', 'EX', seconds);
  }

  // Hashed: a name or address is any text, and Redis keys stay short and printable.
  private key(what: string, kind: string, who: string): string {
    return `${this.prefix}login-${what}:${kind}:${createHash('sha256').update(who).digest('hex').slice(0, 32)}`;
  }
}
