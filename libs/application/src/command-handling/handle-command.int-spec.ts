import { Command, Decider, DomainError, Event } from '@tracker/domain';
import { EsdbEventStore } from '@tracker/infrastructure';
import { TestEventStore, startTestEventStore } from '@tracker/testing';
import { ExpectedRevisionConflict } from '../ports/event-store.port';
import { handleCommand } from './handle-command';
import { eventId } from './event-ids';

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
});
