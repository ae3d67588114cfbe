/**
 * The last known state of recently written streams, so the next command on the same stream can decide without
 * reading it back. Only a hint: handleCommand appends with the cached revision as the expected one, so a stale
 * entry (another process wrote since) ends in a conflict and a fresh read, never in a lost update.
 * Bounded, least recently used first out.
 */
export class StreamStateCache<S> {
  private readonly entries = new Map<string, Readonly<{ state: S; revision: bigint }>>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('a stream state cache holds at least one stream');
  }

  get size(): number {
    return this.entries.size;
  }

  get(streamName: string): Readonly<{ state: S; revision: bigint }> | undefined {
    const entry = this.entries.get(streamName);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      this.entries.delete(streamName);
      this.entries.set(streamName, entry);
    }
    return entry;
  }

  set(streamName: string, state: S, revision: bigint): void {
    this.entries.delete(streamName);
    this.entries.set(streamName, { state, revision });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(streamName: string): void {
    this.entries.delete(streamName);
  }
}
