import { StreamStateCache } from './stream-state.cache';

describe('StreamStateCache', () => {
  it('keeps the most recently used streams up to its capacity', () => {
    const cache = new StreamStateCache<string>(2);
    cache.set('a', 'A', 0n);
    cache.set('b', 'B', 0n);
    expect(cache.get('a')).toEqual({ state: 'A', revision: 0n });
    cache.set('c', 'C', 0n); // b is the least recently used now
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a')?.state, cache.get('c')?.state, cache.size]).toEqual(['A', 'C', 2]);
  });

  it('replaces an entry and forgets a deleted one', () => {
    const cache = new StreamStateCache<number>(3);
    cache.set('a', 1, 0n);
    cache.set('a', 2, 1n);
    expect(cache.get('a')).toEqual({ state: 2, revision: 1n });
    cache.delete('a');
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new StreamStateCache(0)).toThrow();
  });
});
