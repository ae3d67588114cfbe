import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisIdempotencyStore } from './redis-idempotency.store';

const prefix = `test:${randomUUID()}:idem:`;
let redis: Redis;
let store: RedisIdempotencyStore;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  store = new RedisIdempotencyStore(redis, prefix, 200);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('Redis idempotency store', () => {
  it('claims a new key once; a second claim while running is in progress; then it replays the answer', async () => {
    expect(await store.claim('k1', 'h')).toEqual({ outcome: 'claimed' });
    expect(await store.claim('k1', 'h')).toEqual({ outcome: 'in-progress' });
    await store.complete('k1', 'h', { status: 201, body: { code: 'X' } });
    expect(await store.claim('k1', 'h')).toEqual({
      outcome: 'replay',
      response: { status: 201, body: { code: 'X' } },
    });
  });

  it('refuses the key with another request', async () => {
    await store.claim('k2', 'h1');
    expect(await store.claim('k2', 'h2')).toEqual({ outcome: 'mismatch' });
  });

  it('frees a released key, and a claim whose holder died frees itself after its lease', async () => {
    await store.claim('k3', 'h');
    await store.release('k3');
    expect(await store.claim('k3', 'h')).toEqual({ outcome: 'claimed' });
    await store.claim('k4', 'h');
    const deadline = Date.now() + 5_000;
    let outcome = (await store.claim('k4', 'h')).outcome;
    while (outcome === 'in-progress' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      outcome = (await store.claim('k4', 'h')).outcome;
    }
    expect(outcome).toBe('claimed');
  });
});
