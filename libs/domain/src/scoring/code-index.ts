// A table's row of each dossier code, for the few lookups a live table makes (a change, a subject mark):
// open addressing over an Int32Array of rows, the codes themselves read from the table's own list. A Map
// of a million fresh strings costs a second of hashing, inserts and garbage at a start from a snapshot;
// this is a few typed-array writes per row and holds no second reference to any code.

const EMPTY = -1;

/** FNV-1a over the UTF-16 code units. */
function hash(code: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class CodeIndex {
  /** Row + 1 per slot (0: empty), a power of two long, at most half full. */
  private slots: Int32Array;
  private count = 0;

  /** Indexes rows 0..codes.length-1 of `codes` (which the table keeps and only appends to). */
  constructor(private readonly codes: readonly string[]) {
    let size = 16;
    while (size < codes.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    for (let row = 0; row < codes.length; row++) this.add(row);
  }

  get(code: string): number | undefined {
    const mask = this.slots.length - 1;
    for (let s = hash(code) & mask; ; s = (s + 1) & mask) {
      const row = this.slots[s] - 1;
      if (row === EMPTY) return undefined;
      if (this.codes[row] === code) return row;
    }
  }

  /** Files `row`, whose code (codes[row], not in the index yet) the table has just appended. */
  add(row: number): void {
    if (2 * (this.count + 1) > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    let s = hash(this.codes[row]) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = row + 1;
    this.count++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.count = 0;
    for (const v of old) if (v !== 0) this.add(v - 1);
  }
}
