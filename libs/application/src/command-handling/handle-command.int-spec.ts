import { Command, Decider, DomainError, Event } from '@tracker/domain';
import { EsdbEventStore } from '@tracker/infrastructure';
import { TestEventStore, startTestEventStore } from '@tracker/testing';
import { ExpectedRevisionConflict } from '../ports/event-store.port';
import { handleCommand } from './handle-command';
import { eventId } from './event-ids';
import { StreamStateCache } from './stream-state.cache';

// A counter that refuses to pass a limit: enough to show read → fold → decide → append → re-decide.
type Added = Event<'Added', { by: number; total: number }>;
type Add = Command<'Add', { by: number; limit: number }>;
const counter: Decider<number, Add, Added> = {
  initialState: () => 0,
  evolve: (_total, e) => e.data.total,
  decide: ({ data }, total) => {
    if (data.by === 0) return [];
    if (total + data.by > data.limit) throw new DomainError('LIMIT', 'rule', 'over the limit');
    return [{ type: 'Added', data: { by: data.by, total: total + data.by } }];
  },
};
const add = (by: number, limit = 1_000): Add => ({ type: 'Add', data: { by, limit } });
const ctx = { actor: 'tester', correlationId: 'c-1', causationId: 'c-1' };

let es: TestEventStore;
let store: EsdbEventStore;

beforeAll(async () => {
  es = await startTestEventStore();
  store = new EsdbEventStore(es.client);
});
afterAll(() => es.close());

describe('handleCommand against the embedded event store', () => {
  it('appends what the decider decides with the expected revision, and metadata with actor and correlation', async () => {
    const stream = es.streamName('counter');
    const first = await handleCommand(store, stream, counter, add(2), ctx);
    const second = await handleCommand(store, stream, counter, add(3), ctx);
    expect([first.revision, second.revision]).toEqual([0n, 1n]);
    expect(second.state).toBe(5);
    const { events } = await store.readStream<Added>(stream);
    expect(events.map((e) => e.event.data.total)).toEqual([2, 5]);
    expect(events[1].metadata).toMatchObject({ actor: 'tester', correlationId: 'c-1', causationId: 'c-1' });
  });

  it('appends nothing when the decider decides nothing', async () => {
    const stream = es.streamName('counter');
    const result = await handleCommand(store, stream, counter, add(0), ctx);
    expect(result).toMatchObject({ revision: -1n, newEvents: [] });
    expect((await store.readStream(stream)).revision).toBe(-1n);
  });

  it('re-decides on a concurrent change: twenty writers, no lost update, and the rule still holds', async () => {
    const stream = es.streamName('counter');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        handleCommand(store, stream, counter, add(1, 15), ctx, { retries: 50 }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as DomainError).code === 'LIMIT',
    ).length;
    expect([ok, refused]).toEqual([15, 5]);
    const { events } = await store.readStream<Added>(stream);
    expect(events.map((e) => e.event.data.total)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('turns a stale expected revision into ExpectedRevisionConflict', async () => {
    const stream = es.streamName('counter');
    await handleCommand(store, stream, counter, add(1), ctx);
    const stale = [
      {
        id: eventId(undefined, stream, 0),
        event: { type: 'Added', data: { by: 1, total: 2 } },
        metadata: ctx as never,
      },
    ];
    await expect(store.appendToStream(stream, stale, 'no_stream')).rejects.toBeInstanceOf(
      ExpectedRevisionConflict,
    );
  });

  it('with an idempotency scope, a write that reaches the store twice is recorded once', async () => {
    const stream = es.streamName('counter');
    const scoped = { ...ctx, idempotencyScope: 'clerk:key-1' };
    const toAppend = [
      {
        id: eventId(scoped.idempotencyScope, stream, 0),
        event: { type: 'Added', data: { by: 4, total: 4 } },
        metadata: scoped,
      },
    ];
    const a = await store.appendToStream(stream, toAppend, 'no_stream');
    const b = await store.appendToStream(stream, toAppend, 'no_stream');
    expect(b).toEqual(a);
    expect((await store.readStream(stream)).events).toHaveLength(1);
  });

  describe('with a stream state cache', () => {
    it('decides on the cached state without reading, and a stale entry costs a re-read, not an update', async () => {
      const stream = es.streamName('counter');
      const cache = new StreamStateCache<number>(10);
      let reads = 0;
      const counting = {
        readStream: (name: string) => {
          reads++;
          return store.readStream(name);
        },
        appendToStream: store.appendToStream.bind(store),
      } as typeof store;
      await handleCommand(counting, stream, counter, add(2), ctx, { cache });
      await handleCommand(counting, stream, counter, add(3), ctx, { cache });
      expect(reads).toBe(1);
      expect(cache.get(stream)).toEqual({ state: 5, revision: 1n });
      // Another process writes: the cache does not know.
      await handleCommand(store, stream, counter, add(10), ctx);
      const result = await handleCommand(counting, stream, counter, add(1), ctx, { cache });
      expect(reads).toBe(2);
      expect(result).toMatchObject({ state: 16, revision: 3n });
      const { events } = await store.readStream<Added>(stream);
      expect(events.map((e) => e.event.data.total)).toEqual([2, 5, 15, 16]);
    });

    it('trusts a refusal or an empty decision only after a read', async () => {
      const stream = es.streamName('counter');
      const cache = new StreamStateCache<number>(10);
      await handleCommand(store, stream, counter, add(5), ctx, { cache });
      // The cache believes the total is 9, over a limit of 8; the stream says 5.
      cache.set(stream, 9, 0n);
      const result = await handleCommand(store, stream, counter, add(3, 8), ctx, { cache });
      expect(result).toMatchObject({ state: 8, revision: 1n });
      cache.set(stream, 100, 1n);
      await expect(handleCommand(store, stream, counter, add(1, 8), ctx, { cache })).rejects.toMatchObject({
        code: 'LIMIT',
      });
      expect(cache.get(stream)).toEqual({ state: 8, revision: 1n });
    });

    it('expectNew on a stream that exists ends in a read and the decision on what is there', async () => {
      const stream = es.streamName('counter');
      await handleCommand(store, stream, counter, add(7), ctx);
      const result = await handleCommand(store, stream, counter, add(1), ctx, { expectNew: true });
      expect(result).toMatchObject({ state: 8, revision: 1n });
      await expect(
        handleCommand(store, stream, counter, add(1, 8), ctx, { expectNew: true }),
      ).rejects.toMatchObject({ code: 'LIMIT' });
      expect((await store.readStream(stream)).revision).toBe(1n);
    });

    it('twenty concurrent writers sharing a cache still lose nothing', async () => {
      const stream = es.streamName('counter');
      const cache = new StreamStateCache<number>(10);
      const other = new StreamStateCache<number>(10);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          handleCommand(store, stream, counter, add(1, 15), ctx, {
            retries: 50,
            cache: i % 2 ? cache : other,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
      const { events } = await store.readStream<Added>(stream);
      expect(events.map((e) => e.event.data.total)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    });
  });
});
