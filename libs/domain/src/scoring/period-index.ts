// Which rows a period's scorecard has to look at: those received by the period's end and not finished
// before its start. Over years of dossiers (or feedback items) a quarter needs about a tenth of them; the
// index files each row under the bucket of its receipt and of its finish, so a scan visits the buckets
// that can hold such rows instead of every row. Bucketing only narrows the candidates: the scan still tests
// each candidate's instants exactly.

/** Width of a time bucket (epoch ms). */
const BUCKET_MS = 16 * 24 * 3600_000;
/** Lags (finish bucket − receipt bucket) beyond ±LAG_SPAN are filed as unfinished (always a candidate). */
const LAG_SPAN = 2047;
const LAG_OPEN = 2 * LAG_SPAN + 1;

/** The rows of one (receipt bucket, finish bucket) pair; `finished` is Infinity for unfinished rows. */
export type PeriodBucket = {
  readonly received: number;
  readonly finished: number;
  rows: Int32Array;
  n: number;
};

export class PeriodIndex {
  private readonly buckets: PeriodBucket[] = [];
  private readonly bucketOfKey = new Map<number, number>();
  /** Each row's bucket (-1: none, not received) and its place in the bucket. */
  private rowBucket = new Int32Array(0);
  private rowPlace = new Int32Array(0);
  /** The last key looked up and its bucket: rows in index order (a snapshot's) share it run after run. */
  private lastKey = NaN;
  private lastBucket = -1;

  /** Files `row` (received and finished at these instants, NaN for none), moving it if they changed. */
  set(row: number, receivedAt: number, finishedAt: number): void {
    if (row >= this.rowBucket.length) this.grow(row + 1);
    let to = -1;
    if (!Number.isNaN(receivedAt)) {
      const received = Math.floor(receivedAt / BUCKET_MS);
      const lag = Number.isNaN(finishedAt)
        ? LAG_OPEN
        : Math.floor(finishedAt / BUCKET_MS) - received + LAG_SPAN;
      const code = lag >= 0 && lag < LAG_OPEN ? lag : LAG_OPEN;
      const key = received * (LAG_OPEN + 1) + code;
      const found = key === this.lastKey ? this.lastBucket : this.bucketOfKey.get(key);
      if (found !== undefined) to = found;
      else {
        to = this.buckets.length;
        const finished = code === LAG_OPEN ? Infinity : received + code - LAG_SPAN;
        this.buckets.push({ received, finished, rows: new Int32Array(64), n: 0 });
        this.bucketOfKey.set(key, to);
      }
      this.lastKey = key;
      this.lastBucket = to;
    }
    const before = this.rowBucket[row];
    if (to === before) return;
    if (before >= 0) {
      // Swap-remove: the bucket's last row takes this one's place.
      const b = this.buckets[before];
      const at = this.rowPlace[row];
      const moved = b.rows[--b.n];
      b.rows[at] = moved;
      this.rowPlace[moved] = at;
    }
    this.rowBucket[row] = to;
    if (to >= 0) {
      const b = this.buckets[to];
      if (b.n === b.rows.length) {
        const rows = new Int32Array(b.rows.length * 2);
        rows.set(b.rows);
        b.rows = rows;
      }
      this.rowPlace[row] = b.n;
      b.rows[b.n++] = row;
    }
  }

  /**
   * The buckets that may hold rows received at or before `end` and not finished before `start`: their rows
   * are a superset of those rows (each row is in one bucket at most), which the caller tests one by one.
   */
  candidates(start: number, end: number): PeriodBucket[] {
    const first = Math.floor(start / BUCKET_MS);
    const last = Math.floor(end / BUCKET_MS);
    const out: PeriodBucket[] = [];
    for (const b of this.buckets) {
      if (b.n > 0 && b.received <= last && (b.received >= first || b.finished >= first)) out.push(b);
    }
    return out;
  }

  /** Rows 0..n-1 by receipt bucket, then finish bucket (in row order within a bucket), unfiled rows last. */
  order(n: number): Int32Array {
    const out = new Int32Array(n);
    let k = 0;
    const sorted = [...this.buckets].sort((x, y) => x.received - y.received || x.finished - y.finished);
    for (const b of sorted) {
      const rows = b.rows.slice(0, b.n).sort();
      out.set(rows, k);
      k += rows.length;
    }
    for (let i = 0; i < n; i++) if (!(i < this.rowBucket.length && this.rowBucket[i] >= 0)) out[k++] = i;
    return out;
  }

  /** Room for rows 0..rows-1 at once (a table of known size), instead of doubling up to it. */
  reserve(rows: number): void {
    if (rows > this.rowBucket.length) this.grow(rows);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, 16, this.rowBucket.length * 2);
    const rowBucket = new Int32Array(capacity).fill(-1);
    rowBucket.set(this.rowBucket);
    this.rowBucket = rowBucket;
    const rowPlace = new Int32Array(capacity);
    rowPlace.set(this.rowPlace);
    this.rowPlace = rowPlace;
  }
}
