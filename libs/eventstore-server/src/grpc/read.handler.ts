import * as grpc from '@grpc/grpc-js';
import { StoredEvent } from '../storage/event-log.types';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { EventEncoder, eventSize, preEncoded, unframe } from './event-encoder';
import { FilterSettings, parseFilter } from './event-filter';
import { Guard } from '../auth/access-control';
import {
  BadRequestError,
  accessDeniedError,
  notAuthenticatedError,
  parseStreamName,
  parseU64,
  streamDeletedError,
  streamsPb,
  toRpcError,
} from './protocol';
import { ServerCall } from './server-call';
import { StreamingCalls } from './streaming-calls';
import { SubscriptionStart, pumpAllSubscription, pumpStreamSubscription } from './subscription.pump';

const PAGE = 512;
/** A page of stored messages goes out as one write up to this size (grpc-js's send limit is far above). */
const MAX_FRAMED_WRITE = 4 * 1024 * 1024;
const Options = streamsPb.ReadReq.Options;

/**
 * `Streams.Read` (server stream): reads of a stream or `$all`, forwards or backwards, and catch-up
 * subscriptions (count option `subscription`). Reads end the call; subscriptions run until cancelled.
 */
export function createReadHandler(log: SqliteEventLog, guard: Guard, calls: StreamingCalls) {
  return (raw: grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>): void => {
    const call = new ServerCall<streamsPb.ReadResp>(raw);
    calls.track(raw, 'cancel');
    const caller = guard.caller(raw);
    if (!caller) return call.fail(notAuthenticatedError());
    const canRead = (stream: string) => guard.allows(caller, 'read', stream);
    // Nothing is read that is not yet on disk (ACLs and link targets included).
    Promise.resolve(log.whenDurable())
      .then(() => read(log, raw.request, call, canRead))
      .catch((error: unknown) => call.fail(toRpcError(error)));
  };
}

async function read(
  log: SqliteEventLog,
  request: streamsPb.ReadReq,
  call: ServerCall<streamsPb.ReadResp>,
  canRead: (stream: string) => boolean,
) {
  const options = request?.getOptions();
  if (!options) throw new BadRequestError('read options are missing');
  // Link targets are resolved only where the caller may read them; otherwise the link comes alone.
  const resolveLink = options.getResolveLinks()
    ? (link: StoredEvent) => {
        const target = log.linkTarget(link);
        return target && canRead(target.stream) ? target : undefined;
      }
    : undefined;
  const encoder = new EventEncoder(options.getUuidOption()?.hasStructured() ?? false, resolveLink);
  const forwards = options.getReadDirection() !== Options.ReadDirection.BACKWARDS;
  const subscription = options.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION;
  const count =
    options.getCountOptionCase() === Options.CountOptionCase.COUNT
      ? parseU64(options.getCount(), 'count')
      : Number.MAX_SAFE_INTEGER;
  const filter = options.hasFilter() ? parseFilter(options.getFilter()!) : undefined;

  switch (options.getStreamOptionCase()) {
    case Options.StreamOptionCase.STREAM: {
      const streamOptions = options.getStream()!;
      const stream = parseStreamName(streamOptions.getStreamIdentifier());
      if (!canRead(stream)) return call.fail(accessDeniedError());
      const revisionCase = streamOptions.getRevisionOptionCase();
      if (subscription) {
        const start: SubscriptionStart =
          revisionCase === Options.StreamOptions.RevisionOptionCase.REVISION
            ? { kind: 'after', value: parseU64(streamOptions.getRevision(), 'revision') }
            : revisionCase === Options.StreamOptions.RevisionOptionCase.END
              ? { kind: 'end' }
              : { kind: 'start' };
        return pumpStreamSubscription(log, call, encoder, stream, start);
      }
      let from: number;
      if (revisionCase === Options.StreamOptions.RevisionOptionCase.REVISION) {
        from = parseU64(streamOptions.getRevision(), 'revision');
      } else if (revisionCase === Options.StreamOptions.RevisionOptionCase.END) {
        from = forwards ? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER - 1;
      } else {
        from = forwards ? 0 : -1;
      }
      return readStream(log, call, encoder, stream, from, forwards, count);
    }
    case Options.StreamOptionCase.ALL: {
      if (!canRead('$all')) return call.fail(accessDeniedError());
      const allOptions = options.getAll()!;
      const allCase = allOptions.getAllOptionCase();
      const position =
        allCase === Options.AllOptions.AllOptionCase.POSITION
          ? parseU64(allOptions.getPosition()!.getCommitPosition(), 'commit position')
          : undefined;
      if (subscription) {
        const start: SubscriptionStart =
          position !== undefined
            ? { kind: 'after', value: position }
            : allCase === Options.AllOptions.AllOptionCase.END
              ? { kind: 'end' }
              : { kind: 'start' };
        return pumpAllSubscription(log, call, encoder, start, filter);
      }
      let from: number;
      if (position !== undefined) from = position;
      else if (allCase === Options.AllOptions.AllOptionCase.END) from = log.endPosition;
      else from = 0;
      // Unfiltered, links not resolved, ids as strings: the stored messages as they are.
      if (!filter && !resolveLink && !options.getUuidOption()?.hasStructured()) {
        return readAllFramed(log, call, from, forwards, count);
      }
      return readAll(log, call, encoder, from, forwards, count, filter);
    }
    default:
      throw new BadRequestError('read options name neither a stream nor $all');
  }
}

/** `from` is inclusive in both directions (esdb.md §4.1); a missing stream is a message, not an error. */
async function readStream(
  log: SqliteEventLog,
  call: ServerCall<streamsPb.ReadResp>,
  encoder: EventEncoder,
  stream: string,
  from: number,
  forwards: boolean,
  count: number,
): Promise<void> {
  let remaining = count;
  let first = true;
  while (remaining > 0 && !call.closed) {
    await log.whenDurable();
    const page = log.readStream(stream, from, forwards, Math.min(PAGE, remaining));
    if (page.status === 'stream-deleted') return call.fail(streamDeletedError(stream));
    if (page.status === 'not-found') {
      if (first) await call.write(encoder.streamNotFound(stream));
      break;
    }
    first = false;
    for (const e of page.events) {
      const pending = call.write(encoder.event(e), eventSize(e));
      if (pending) await pending;
    }
    remaining -= page.events.length;
    from = page.next;
    if (page.exhausted) break;
  }
  call.end();
}

/** Forwards from P is inclusive; backwards yields events strictly before P (esdb.md §4.5). */
async function readAll(
  log: SqliteEventLog,
  call: ServerCall<streamsPb.ReadResp>,
  encoder: EventEncoder,
  from: number,
  forwards: boolean,
  count: number,
  filter: FilterSettings | undefined,
): Promise<void> {
  let remaining = count;
  while (remaining > 0 && !call.closed) {
    const limit = filter ? PAGE : Math.min(PAGE, remaining);
    await log.whenDurable();
    const page = log.readAll(from, forwards, limit);
    for (const e of page) {
      if (filter && !filter.matches(e)) continue;
      const pending = call.write(encoder.event(e), eventSize(e));
      if (pending) await pending;
      if (--remaining === 0) break;
    }
    if (page.length < limit) break;
    from = forwards ? page[page.length - 1].position + 1 : page[page.length - 1].position;
  }
  call.end();
}

/** `readAll` without a filter, from the messages the log keeps: a page is one buffer and one write. */
async function readAllFramed(
  log: SqliteEventLog,
  call: ServerCall<streamsPb.ReadResp>,
  from: number,
  forwards: boolean,
  count: number,
): Promise<void> {
  let remaining = count;
  while (remaining > 0 && !call.closed) {
    const limit = Math.min(PAGE, remaining);
    await log.whenDurable();
    const page = log.readAllFramed(from, forwards, limit);
    if (call.framedWrites && page.bytes.length <= MAX_FRAMED_WRITE) {
      const pending = call.writeFramed(page.bytes);
      if (pending) await pending;
    } else {
      for (const message of unframe(page.bytes)) {
        const pending = call.write(preEncoded(message), message.length);
        if (pending) await pending;
      }
    }
    remaining -= page.events;
    if (page.events < limit) break;
    from = forwards ? page.last + 1 : page.last;
  }
  call.end();
}
