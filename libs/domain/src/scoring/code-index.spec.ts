import fc from 'fast-check';
import { CodeIndex } from './code-index';

describe('CodeIndex', () => {
  it('finds the row of every code, indexed at once or added one by one past its growth, and no other', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 300 }), fc.nat(300), (all, split) => {
        const codes = all.slice(0, split);
        const index = new CodeIndex(codes);
        for (const code of all.slice(split)) {
          codes.push(code);
          index.add(codes.length - 1);
        }
        all.forEach((code, row) => expect(index.get(code)).toBe(row));
        expect(index.get('\u0000absent')).toBeUndefined();
      }),
    );
  });

  it('tells apart codes whose hashes collide', () => {
    // Many codes in a small table: probing past taken slots, and a missing code that probes past them too.
    const codes = Array.from({ length: 5000 }, (_, i) => `SO01-250101-${i}`);
    const index = new CodeIndex(codes);
    codes.forEach((code, row) => expect(index.get(code)).toBe(row));
    expect(index.get('SO01-250101-5000')).toBeUndefined();
  });
});
