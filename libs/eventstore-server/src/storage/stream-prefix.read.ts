import type Database from 'better-sqlite3';

/**
 * `$all` restricted to a few streams, read through the stream index instead of the log: a catch-up
 * subscription filtered to streams that hold a few thousand events (a catalogue among millions of dossier
 * events) then reads those events and nothing else, as a node with an index would. The range
 * `prefix ≤ stream < bound` is exactly "starts with prefix" in SQLite's binary (UTF-8 byte) order.
 */
export class StreamPrefixRead {
  private readonly statements = new Map<string, { count: Database.Statement; page: Database.Statement }>();

  constructor(
    private readonly db: Database.Database,
    private readonly columns: string,
  ) {}

  /**
   * The index ranges of these prefixes (overlapping ones merged), or undefined when a prefix cannot be
   * turned into one (empty, or ending in a character whose successor is not a plain code point).
   */
  static ranges(prefixes: readonly string[]): [string, string][] | undefined {
    const kept = [...new Set(prefixes)]
      .sort()
      .filter((p, i, all) => !all.slice(0, i).some((q) => p.startsWith(q)));
    const ranges: [string, string][] = [];
    for (const p of kept) {
      const last = p.charCodeAt(p.length - 1);
      if (p.length === 0 || last >= 0xd7ff) return undefined;
      ranges.push([p, p.slice(0, -1) + String.fromCharCode(last + 1)]);
    }
    return ranges.length > 0 ? ranges : undefined;
  }

  /**
   * How many events these streams hold in all (positions of any age), counted through the index but never
   * past `cap`: the price of the answer is bounded whatever the streams hold.
   */
  count(ranges: readonly [string, string][], cap: number): number {
    const { count } = this.prepared(ranges.length);
    let total = 0;
    for (const [lo, hi] of ranges) {
      total += (count.get(lo, hi, cap - total + 1) as { n: number }).n;
      if (total > cap) break;
    }
    return total;
  }

  /** Up to `limit` events of these streams from `position` (inclusive), in `$all` order, as raw rows. */
  page(ranges: readonly [string, string][], position: number, limit: number): unknown[] {
    return this.prepared(ranges.length).page.all(...ranges.flat(), position, limit);
  }

  private prepared(n: number) {
    let s = this.statements.get(String(n));
    if (!s) {
      // Positions come from the index entries (pos is the rowid): only the page's rows are read whole.
      const branches = Array.from(
        { length: n },
        () => 'SELECT pos FROM events INDEXED BY events_by_stream WHERE stream >= ? AND stream < ?',
      ).join(' UNION ALL ');
      s = {
        count: this.db.prepare(
          `SELECT count(*) AS n FROM (SELECT 1 FROM events INDEXED BY events_by_stream
           WHERE stream >= ? AND stream < ? LIMIT ?)`,
        ),
        page: this.db
          .prepare(
            `SELECT ${this.columns} FROM events WHERE pos IN (
               SELECT pos FROM (${branches}) WHERE pos >= ? ORDER BY pos LIMIT ?)
             ORDER BY pos`,
          )
          .raw(true),
      };
      this.statements.set(String(n), s);
    }
    return s;
  }
}
