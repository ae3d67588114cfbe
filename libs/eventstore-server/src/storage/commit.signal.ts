type Waiter = () => void;

/**
 * Wakes subscription pumps after commits. A pump remembers `seq` before it reads; `wait(seq)` resolves
 * at once if anything was committed since, so an append racing the catch-up→live switch is never lost.
 * Stream waiters are keyed by stream, so an append wakes only the pumps that can care.
 */
export class CommitSignal {
  private sequence = 0;
  private closed = false;
  private readonly allWaiters = new Set<Waiter>();
  private readonly streamWaiters = new Map<string, Set<Waiter>>();

  get isClosed(): boolean {
    return this.closed;
  }

  get seq(): number {
    return this.sequence;
  }

  notify(stream: string): void {
    this.sequence++;
    if (this.allWaiters.size > 0) {
      const woken = [...this.allWaiters];
      this.allWaiters.clear();
      for (const wake of woken) wake();
    }
    const forStream = this.streamWaiters.get(stream);
    if (forStream) {
      this.streamWaiters.delete(stream);
      for (const wake of forStream) wake();
    }
  }

  /**
   * Resolves on the next commit (to `stream` if given) after `seenSeq`, or when `abort` fires.
   * With a stream, any commit since `seenSeq` still resolves at once: cheap and always safe.
   */
  wait(
    seenSeq: number,
    stream: string | undefined,
    abort: { onAbort(cb: () => void): () => void },
  ): Promise<void> {
    if (this.sequence !== seenSeq || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let off: () => void = () => undefined;
      const wake: Waiter = () => {
        off();
        resolve();
      };
      if (stream === undefined) {
        this.allWaiters.add(wake);
        off = abort.onAbort(() => {
          this.allWaiters.delete(wake);
          resolve();
        });
      } else {
        let set = this.streamWaiters.get(stream);
        if (!set) this.streamWaiters.set(stream, (set = new Set()));
        set.add(wake);
        off = abort.onAbort(() => {
          const current = this.streamWaiters.get(stream);
          current?.delete(wake);
          if (current?.size === 0) this.streamWaiters.delete(stream);
          resolve();
        });
      }
    });
  }

  /** On shutdown, release every pump so its loop can end. */
  close(): void {
    this.closed = true;
    this.sequence++;
    for (const wake of this.allWaiters) wake();
    this.allWaiters.clear();
    for (const set of this.streamWaiters.values()) for (const wake of set) wake();
    this.streamWaiters.clear();
  }

  get waiterCount(): number {
    let n = this.allWaiters.size;
    for (const set of this.streamWaiters.values()) n += set.size;
    return n;
  }
}
