import { LoginThrottle } from './login-throttle';
import { RedisSessionStore } from './redis-session.store';
import { specRedis } from '../redis/spec-redis';

const { redis, prefix, close } = specRedis();
let now = 0;

afterAll(close);

describe('Redis sessions', () => {
  const lifetime = { idleSeconds: 7200, absoluteSeconds: 12 * 3600 };
  const store = () => new RedisSessionStore(redis, prefix, lifetime, () => now);

  it('keep only a hash of the id, with the idle TTL, moved ahead on use but never past the fixed end', async () => {
    now = Date.parse('2026-01-05T01:00:00Z');
    const sessions = store();
    const id = await sessions.create({ name: 'lan', credential: 'c1' });
    expect(id).toMatch(/^[\w-]{43}$/);
    const [key] = await redis.keys(`${prefix}session:*`);
    expect(key).not.toContain(id);
    expect(await redis.get(key)).not.toContain(id);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(7200);

    // 11.5 h after the login (the clock the store is given): 30 minutes are left, not another idle period.
    now += 11.5 * 3600_000;
    expect(await sessions.touch(id)).toMatchObject({ name: 'lan', credential: 'c1' });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1800);

    now += 3600_000; // past the fixed end: refused and removed
    expect(await sessions.touch(id)).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
  });

  it('end on destroy; an id of the wrong shape is no session', async () => {
    const sessions = store();
    const id = await sessions.create({ name: 'minh', credential: 'c2' });
    expect(await sessions.touch(id)).toBeDefined();
    await sessions.destroy(id);
    expect(await sessions.touch(id)).toBeUndefined();
    expect(await sessions.touch('short')).toBeUndefined();
  });
});

describe('failed-login throttle', () => {
  const rules = {
    freePerName: 3,
    freePerAddress: 5,
    firstLockSeconds: 30,
    maxLockSeconds: 100,
    forgetAfterSeconds: 900,
  };

  it('locks a name after its free failures, doubling the lock up to its cap; a success clears the name', async () => {
    const throttle = new LoginThrottle(redis, `${prefix}a:`, rules);
    for (let i = 0; i < 2; i++) await throttle.failed('lan', `10.0.0.${i}`);
    expect(await throttle.retryAfter('lan', '10.0.0.9')).toBe(0);
    await throttle.failed('lan', '10.0.0.2');
    const first = await throttle.retryAfter('lan', '10.0.0.9');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(30);
    await throttle.failed('lan', '10.0.0.3');
    expect(await throttle.retryAfter('lan', '10.0.0.9')).toBeGreaterThan(30);
    for (let i = 0; i < 3; i++) await throttle.failed('lan', `10.0.1.${i}`);
    expect(await throttle.retryAfter('lan', '10.0.0.9')).toBeLessThanOrEqual(100);
    expect(await throttle.retryAfter('minh', '10.0.0.9')).toBe(0);
    await throttle.succeeded('lan');
    expect(await throttle.retryAfter('lan', '10.0.0.9')).toBe(0);
  });

  it('lets one password check of a name run at a time', async () => {
    const throttle = new LoginThrottle(redis, `${prefix}c:`, rules);
    expect(await throttle.claim('lan')).toBe(true);
    expect(await throttle.claim('lan')).toBe(false);
    expect(await throttle.claim('minh')).toBe(true);
    await throttle.release('lan');
    expect(await throttle.claim('lan')).toBe(true);
  });

  it('locks an address that fails over many names, for every name', async () => {
    const throttle = new LoginThrottle(redis, `${prefix}b:`, rules);
    for (let i = 0; i < 5; i++) await throttle.failed(`guess-${i}`, '10.9.9.9');
    expect(await throttle.retryAfter('anyone', '10.9.9.9')).toBeGreaterThan(0);
    expect(await throttle.retryAfter('anyone', '10.9.9.8')).toBe(0);
  });
});
