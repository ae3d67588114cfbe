import * as grpc from '@grpc/grpc-js';

/** Past this many buffered bytes a writer waits for `drain`; below it, a page is written in one go. */
const HIGH_WATER_BYTES = 512 * 1024;

/**
 * A server-streaming call with cancellation and byte-bounded backpressure: `write` resolves at once
 * until about HIGH_WATER_BYTES are buffered, then waits for the transport to drain.
 */
export class ServerCall<Resp> {
  private done = false;
  private buffered = 0;
  private readonly abortCallbacks = new Set<() => void>();

  constructor(private readonly call: grpc.ServerWritableStream<unknown, Resp>) {
    const abort = () => this.abort();
    call.on('cancelled', abort);
    call.on('error', abort);
    call.on('close', abort);
  }

  get closed(): boolean {
    return this.done;
  }

  /** Runs `callback` once when the call ends (at once if it already has); returns an unsubscribe. */
  onAbort(callback: () => void): () => void {
    if (this.done) {
      callback();
      return () => undefined;
    }
    this.abortCallbacks.add(callback);
    return () => this.abortCallbacks.delete(callback);
  }

  /** `size` is a rough byte count of the message, for the high-water mark. */
  write(message: Resp, size = 64): Promise<void> | undefined {
    if (this.done) return undefined;
    const accepted = this.call.write(message);
    this.buffered += size;
    if (accepted || this.buffered < HIGH_WATER_BYTES) return undefined;
    return this.drain();
  }

  /** Waits until the transport has taken what was written (or the call ended). */
  drain(): Promise<void> | undefined {
    if (this.done || !this.call.writableNeedDrain) {
      this.buffered = 0;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      const finish = () => {
        this.call.off('drain', finish);
        off();
        this.buffered = 0;
        resolve();
      };
      const off = this.onAbort(finish);
      this.call.once('drain', finish);
    });
  }

  end(): void {
    if (this.done) return;
    this.call.end();
    this.abort();
  }

  /** Ends the call with a status and trailers (`emit('error')`: `destroy` hangs the v6 client). */
  fail(error: Partial<grpc.StatusObject>): void {
    if (this.done) return;
    this.call.emit('error', error);
    this.abort();
  }

  private abort(): void {
    if (this.done) return;
    this.done = true;
    const callbacks = [...this.abortCallbacks];
    this.abortCallbacks.clear();
    for (const callback of callbacks) callback();
  }
}
