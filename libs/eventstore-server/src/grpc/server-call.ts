import * as grpc from '@grpc/grpc-js';

/** Bytes written but not yet taken by the transport above which a writer waits… */
const HIGH_WATER_BYTES = 1024 * 1024;
/** …until they fall back to this, so the transport never runs dry while the next page is read. */
const LOW_WATER_BYTES = 256 * 1024;

/**
 * A server-streaming call with cancellation and byte-bounded backpressure. Every write's callback
 * (the transport took the message, HTTP/2 flow control included) lowers the outstanding count.
 */
export class ServerCall<Resp> {
  /** True when `writeFramed` hands bytes to HTTP/2 as they are (grpc-js's internal is there). */
  readonly framedWrites: boolean;
  private done = false;
  private outstanding = 0;
  private resume: (() => void) | undefined;
  private readonly abortCallbacks = new Set<() => void>();

  constructor(private readonly call: grpc.ServerWritableStream<unknown, Resp>) {
    this.framedWrites = enableBatchedWrites(call);
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

  /** `size`: the message's rough byte count. Returns a promise only when the writer must wait. */
  write(message: Resp, size = 64): Promise<void> | undefined {
    if (this.done) return undefined;
    this.outstanding += size;
    this.call.write(message, () => this.taken(size));
    return this.outstanding < HIGH_WATER_BYTES ? undefined : this.drain();
  }

  /**
   * Already framed messages (each with gRPC's 5-byte prefix, end to end), written as one chunk; only when
   * `framedWrites`. Returns a promise only when the writer must wait.
   */
  writeFramed(bytes: Buffer): Promise<void> | undefined {
    return this.write(new FramedMessages(bytes) as Resp, bytes.length);
  }

  /** Waits until the outstanding bytes are back under the low-water mark (or the call ended). */
  drain(): Promise<void> | undefined {
    if (this.done || this.outstanding <= LOW_WATER_BYTES) return undefined;
    return new Promise<void>((resolve) => {
      const off = this.onAbort(() => {
        this.resume = undefined;
        resolve();
      });
      this.resume = () => {
        off();
        resolve();
      };
    });
  }

  private taken(size: number): void {
    this.outstanding -= size;
    if (this.resume && this.outstanding <= LOW_WATER_BYTES) {
      const resume = this.resume;
      this.resume = undefined;
      resume();
    }
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

type InternalCall = {
  call?: {
    sendMessage?: (message: unknown, callback: (error?: Error | null) => void) => void;
    serializeMessage?: (message: unknown) => Buffer;
  };
};

/** Messages already serialized and framed by the server, passed through grpc-js's serializer as they are. */
class FramedMessages {
  constructor(readonly bytes: Buffer) {}
}

/**
 * grpc-js's server stream implements only `_write`, so a Writable hands it one message at a time and
 * waits for each to be flushed before the next: an event-loop round trip per event, the main cost
 * of a long read. Given `_writev`, the Writable passes everything buffered at once; each message goes
 * to the same `call.sendMessage` grpc-js's own `_write` uses, and the HTTP/2 stream gets them together.
 * Skipped (plain one-by-one writes) if grpc-js ever changes that internal.
 *
 * Its `serializeMessage` (the handler's serializer, then a copy behind the 5-byte prefix) also lets
 * `FramedMessages` through as they are, so a page of stored messages reaches the HTTP/2 stream as one
 * write, in order with the call's other messages. Returns whether it does.
 */
export function enableBatchedWrites(
  call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
): boolean {
  const inner = (call as unknown as InternalCall).call;
  if (typeof inner?.sendMessage !== 'function') return false;
  const sendMessage = inner.sendMessage.bind(inner);
  let framed = false;
  if (typeof inner.serializeMessage === 'function') {
    const serialize = inner.serializeMessage.bind(inner);
    inner.serializeMessage = (message: unknown) =>
      message instanceof FramedMessages ? message.bytes : serialize(message);
    framed = true;
  }
  (call as unknown as { _writev: unknown })._writev = (
    chunks: { chunk: unknown }[],
    callback: (error?: Error | null) => void,
  ) => {
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) sendMessage(chunks[i].chunk, () => undefined);
    sendMessage(chunks[last].chunk, callback);
  };
  return framed;
}
