/** Where a committed event sits: its stream, revision and position. */
export interface CommittedEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/**
 * The ids of the latest committed events, for the idempotency of `any` and `stream_exists` appends (esdb.md
 * §4.4): as the real server's bounded cache of committed events, keyed by event id alone (the same id in
 * another stream takes the entry over), the oldest forgotten first. A full index of every id on disk made
 * each commit write a page of it per append, twice the WAL that each durable sync must flush.
 */
export class CommittedIds {
  private readonly entries = new Map<string, CommittedEvent>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): CommittedEvent | undefined {
    return this.entries.get(id);
  }

  put(id: string, event: CommittedEvent): void {
    // Re-inserted, so that it is forgotten after the ids committed before it.
    this.entries.delete(id);
    this.entries.set(id, event);
    if (this.entries.size > this.capacity) {
      for (const oldest of this.entries.keys()) {
        this.entries.delete(oldest);
        if (this.entries.size <= this.capacity) break;
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
