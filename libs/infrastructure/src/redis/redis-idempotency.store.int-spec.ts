import { Redis } from 'ioredis';
import { RedisIdempotencyStore } from './redis-idempotency.store';
import { specRedis } from './spec-redis';

const { redis, prefix, close } = specRedis('idem:');
const store = new RedisIdempotencyStore(redis, prefix, 200);

afterAll(close);

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
    await store.release('k3', 'h');
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

  it('answers each call in one round trip to Redis', async () => {
    // Counts what the client sends (the real Redis answers it): a claim, a replay, a mismatch, a release.
    const sent: string[] = [];
    const send = redis.sendCommand.bind(redis);
    const spy = jest.spyOn(redis, 'sendCommand').mockImplementation((command, stream) => {
      sent.push(command.name);
      return send(command, stream);
    });
    try {
      expect(await store.claim('k5', 'h')).toEqual({ outcome: 'claimed' });
      expect(await store.claim('k5', 'h')).toEqual({ outcome: 'in-progress' });
      expect(await store.claim('k5', 'other')).toEqual({ outcome: 'mismatch' });
      await store.complete('k5', 'h', { status: 201, body: { n: 1 } });
      expect((await store.claim('k5', 'h')).outcome).toBe('replay');
      expect(sent).toEqual(['eval', 'eval', 'eval', 'set', 'eval']);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives one claim to many concurrent copies of a request, over several connections', async () => {
    const clients = Array.from(
      { length: 4 },
      () => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    );
    try {
      const stores = clients.map((c) => new RedisIdempotencyStore(c, prefix, 5_000));
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stores[i % stores.length].claim('k6', 'h')),
      );
      expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.outcome === 'in-progress')).toHaveLength(39);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it("a release keeps a recorded answer and leaves another request's claim alone", async () => {
    await store.claim('k7', 'h');
    await store.complete('k7', 'h', { status: 201, body: { n: 7 } });
    await store.release('k7', 'h');
    expect(await store.claim('k7', 'h')).toEqual({
      outcome: 'replay',
      response: { status: 201, body: { n: 7 } },
    });
    await store.claim('k8', 'h1');
    await store.release('k8', 'h2');
    expect(await store.claim('k8', 'h1')).toEqual({ outcome: 'in-progress' });
  });
});
