import { CommittedIds } from './committed-ids';

describe('CommittedIds', () => {
  const at = (stream: string, revision: number) => ({ stream, revision, position: 1000 + revision });

  it('remembers the latest ids up to its capacity and forgets the oldest first', () => {
    const ids = new CommittedIds(2);
    ids.put('a', at('s', 0));
    ids.put('b', at('s', 1));
    ids.put('c', at('s', 2));
    expect(ids.size).toBe(2);
    expect(ids.get('a')).toBeUndefined();
    expect(ids.get('b')).toEqual(at('s', 1));
    expect(ids.get('c')).toEqual(at('s', 2));
  });

  it('an id put again takes the new place and counts as the latest', () => {
    const ids = new CommittedIds(2);
    ids.put('a', at('s', 0));
    ids.put('b', at('s', 1));
    ids.put('a', at('t', 0));
    ids.put('c', at('s', 2));
    expect(ids.get('b')).toBeUndefined();
    expect(ids.get('a')).toEqual(at('t', 0));
  });

  it('clear forgets everything', () => {
    const ids = new CommittedIds(5);
    ids.put('a', at('s', 0));
    ids.clear();
    expect(ids.size).toBe(0);
    expect(ids.get('a')).toBeUndefined();
  });
});
