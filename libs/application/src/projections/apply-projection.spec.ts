import type { Event } from '@tracker/domain';
import { applyProjection, documentIdsOf, indexDiff } from './apply-projection';
import type { ProjectedEvent, Projection, StoredDocument } from './projection';

type Added = Event<'Added', { amount: number }>;
type Cleared = Event<'Cleared', object>;
type Counter = { total: number; count: number };

const counter: Projection<Counter, Added | Cleared> = {
  name: 'counter',
  version: 1,
  streamPrefixes: ['c-'],
  canHandle: ['Added', 'Cleared'],
  documentId: (e) => e.streamName.slice(2),
  initialState: () => ({ total: 0, count: 0 }),
  evolve: (doc, e) =>
    e.event.type === 'Cleared' ? null : { total: doc.total + e.event.data.amount, count: doc.count + 1 },
  indexes: (doc, id) => [{ set: 'by-total', score: doc.total, member: id }],
};

let position = 0n;
const at = (
  stream: string,
  event: Added | Cleared | Event<'Other', object>,
): ProjectedEvent<Added | Cleared> =>
  ({
    event,
    id: `id-${++position}`,
    streamName: stream,
    revision: 0n,
    position: position * 100n,
    metadata: {},
    recordedAt: new Date(0),
  }) as ProjectedEvent<Added | Cleared>;
const added = (stream: string, amount: number) => at(stream, { type: 'Added', data: { amount } });

/** Persists a batch's changes into a map, as the store would. */
function persist<D>(
  store: Map<string, StoredDocument<D> | undefined>,
  changes: ReturnType<typeof applyProjection<D, Added | Cleared>>['changes'],
) {
  for (const c of changes) store.set(c.id, c.after);
}

describe('applyProjection', () => {
  it('folds a batch in order, per document, from initialState', () => {
    const events = [added('c-a', 1), added('c-b', 10), added('c-a', 2)];
    const { changes, applied, skipped } = applyProjection(counter, new Map(), events);
    expect(applied).toBe(3);
    expect(skipped).toBe(0);
    expect(changes.map((c) => [c.id, c.after?.doc])).toEqual([
      ['a', { total: 3, count: 2 }],
      ['b', { total: 10, count: 1 }],
    ]);
    expect(changes[0].after?.lastPosition).toBe(events[2].position);
    expect(changes.every((c) => c.before === undefined)).toBe(true);
  });

  it('replaying the same events changes nothing', () => {
    const store = new Map<string, StoredDocument<Counter> | undefined>();
    const events = [added('c-a', 5), added('c-a', 7)];
    persist(store, applyProjection(counter, store, events).changes);
    const snapshot = new Map(store);
    const again = applyProjection(counter, store, events);
    expect(again.changes).toEqual([]);
    expect(again.applied).toBe(0);
    expect(again.skipped).toBe(2);
    expect(store).toEqual(snapshot);
  });

  it('a batch that overlaps what is stored folds only the new events', () => {
    const store = new Map<string, StoredDocument<Counter> | undefined>();
    const [e1, e2, e3] = [added('c-a', 1), added('c-a', 2), added('c-a', 4)];
    persist(store, applyProjection(counter, store, [e1, e2]).changes);
    persist(store, applyProjection(counter, store, [e2, e3]).changes);
    expect(store.get('a')?.doc).toEqual({ total: 7, count: 3 });
  });

  it('one batch gives the same documents as the same events in smaller batches', () => {
    const events = Array.from({ length: 40 }, (_, i) => added(`c-${'xyz'[i % 3]}`, i));
    const whole = new Map<string, StoredDocument<Counter> | undefined>();
    persist(whole, applyProjection(counter, whole, events).changes);
    const pieces = new Map<string, StoredDocument<Counter> | undefined>();
    for (let i = 0; i < events.length; i += 7)
      persist(pieces, applyProjection(counter, pieces, events.slice(i, i + 7)).changes);
    expect(pieces).toEqual(whole);
  });

  it('skips events it does not handle and deletes a document evolve returns null for', () => {
    const store = new Map<string, StoredDocument<Counter> | undefined>();
    persist(store, applyProjection(counter, store, [added('c-a', 3)]).changes);
    const other = at('c-a', { type: 'Other', data: {} });
    const { changes, skipped } = applyProjection(counter, store, [
      other,
      at('c-a', { type: 'Cleared', data: {} }),
    ]);
    expect(skipped).toBe(1);
    expect(changes).toEqual([{ id: 'a', before: store.get('a'), after: undefined }]);
    expect(documentIdsOf(counter, [other, added('c-b', 1)])).toEqual(['b']);
  });

  it('index entries follow the document: moved on change, removed on delete', () => {
    const before = { doc: { total: 1, count: 1 }, lastPosition: 1n };
    const after = { doc: { total: 4, count: 2 }, lastPosition: 2n };
    expect(indexDiff(counter, { id: 'a', before, after })).toEqual({
      remove: [],
      add: [{ set: 'by-total', score: 4, member: 'a' }],
    });
    expect(indexDiff(counter, { id: 'a', before: after, after: undefined })).toEqual({
      remove: [{ set: 'by-total', score: 4, member: 'a' }],
      add: [],
    });
  });
});
