import * as grpc from '@grpc/grpc-js';
import { constants as http2, type Http2Session, type ServerHttp2Stream } from 'node:http2';

type ServedCall =
  | grpc.ServerReadableStream<unknown, unknown>
  | grpc.ServerWritableStream<unknown, unknown>
  | grpc.ServerDuplexStream<unknown, unknown>;

/**
 * How a stop ends a call: `cancel` (RST_STREAM CANCEL, the client's CancelledError) for reads, subscriptions and
 * the shared BatchAppend streams; `refuse` (REFUSED_STREAM, the client's UnavailableError, and a transparent
 * retry where grpc-js still holds the request) for a classic Append whose request is still arriving: nothing
 * of it was written.
 */
export type StopReset = 'cancel' | 'refuse';

/** How long a stop waits for its resets to reach the clients before it drops the connections. */
const RESET_FLUSH_MS = 2_000;

/**
 * The calls a stopping node ends itself, as a real node's shutdown does: the official client's tests of a node
 * stopped mid-read and mid-batch-append expect CancelledError, and of one stopped while a classic Append is
 * still being sent UnavailableError. Left to the dropped connection, grpc-js reports either, depending on its
 * version and the timing. What is not tracked (unary calls, an Append whose request has arrived, being
 * committed) ends with the dropped connection: its outcome is unknown to the client.
 */
export class StreamingCalls {
  private readonly live = new Map<ServedCall, StopReset>();

  /** Tracks `call` until it ends; the returned function stops tracking it sooner. */
  track(call: ServedCall, reset: StopReset): () => void {
    this.live.set(call, reset);
    const forget = () => void this.live.delete(call);
    call.once('finish', forget);
    call.once('close', forget);
    call.once('cancelled', forget);
    return forget;
  }

  /**
   * Resets every tracked call's HTTP/2 stream, at once (a status would wait behind the messages the client has
   * not taken yet). Resolves once each connection has answered a PING sent after its resets, so the client has
   * read them before its connection drops (it would then report the drop instead), or after RESET_FLUSH_MS.
   */
  async resetAll(): Promise<void> {
    const calls = [...this.live];
    this.live.clear();
    if (calls.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(calls.map(([call, reset]) => resetStream(call, reset))).then(pingEach),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, RESET_FLUSH_MS))),
    ]);
    clearTimeout(timer);
  }
}

/** Resets the call's stream; resolves with its connection once the reset is sent. */
function resetStream(call: ServedCall, reset: StopReset): Promise<Http2Session | undefined> {
  const stream = http2StreamOf(call);
  if (!stream) {
    // grpc-js changed its internals: a status then, sent after what is still buffered.
    if (reset === 'cancel')
      call.emit('error', { code: grpc.status.CANCELLED, details: 'The node is stopping.' });
    return Promise.resolve(undefined);
  }
  const session = stream.session;
  if (stream.closed) return Promise.resolve(session);
  const code = reset === 'cancel' ? http2.NGHTTP2_CANCEL : http2.NGHTTP2_REFUSED_STREAM;
  return new Promise((resolve) => stream.close(code, () => resolve(session)));
}

/** One PING per connection, answered once the client has read the frames sent before it. */
function pingEach(sessions: (Http2Session | undefined)[]): Promise<unknown> {
  const open = [...new Set(sessions)].filter((s): s is Http2Session => !!s && !s.closed && !s.destroyed);
  return Promise.all(
    open.map(
      (session) =>
        new Promise<void>((resolve) => {
          if (!session.ping(() => resolve())) resolve();
        }),
    ),
  );
}

/**
 * The HTTP/2 stream under a grpc-js server call: the call's `call` (its intercepting call), whose chain of
 * `nextCall`s ends in the one holding the stream. grpc-js has no public way to reset a call's stream.
 */
function http2StreamOf(call: ServedCall): ServerHttp2Stream | undefined {
  let link = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; link && depth < 8; depth++) {
    const stream = (link as { stream?: unknown }).stream;
    if (stream && typeof (stream as ServerHttp2Stream).close === 'function')
      return stream as ServerHttp2Stream;
    link = (link as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}
