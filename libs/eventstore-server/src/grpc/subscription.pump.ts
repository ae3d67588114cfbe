import { randomUUID } from 'node:crypto';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { EventEncoder, eventSize } from './event-encoder';
import { FilterSettings } from './event-filter';
import { streamDeletedError, streamsPb } from './protocol';
import { ServerCall } from './server-call';

const PAGE = 512;
/**
 * A stream-name prefix filter whose streams hold at most this many events is caught up through the
 * stream index (those events only); above it, or for other filters, `$all` is scanned.
 */
export const SPARSE_STREAMS_CAP = 50_000;

/** Where a catch-up subscription starts. Positions and revisions are exclusive (esdb.md §4.1, §4.5). */
export type SubscriptionStart = { kind: 'start' } | { kind: 'end' } | { kind: 'after'; value: number };

/**
 * Catch-up subscription to one stream: confirmation, the events after `start`, one caught_up, then
 * live events. It re-reads from its own cursor after every wake-up, so switching to live can neither
 * skip nor repeat an event; a missing stream simply waits.
 */
export async function pumpStreamSubscription(
  log: SqliteEventLog,
  call: ServerCall<streamsPb.ReadResp>,
  encoder: EventEncoder,
  stream: string,
  start: SubscriptionStart,
): Promise<void> {
  await call.write(EventEncoder.confirmation(randomUUID()));
  // The last revision delivered (or skipped): the next read starts after it.
  let cursor =
    start.kind === 'start' ? -1 : start.kind === 'after' ? start.value : log.streamInfo(stream).lastRevision;
  let caughtUp = false;
  while (!call.closed && !log.signal.isClosed) {
    await log.whenDurable();
    const seq = log.signal.seq;
    const page = log.readStream(stream, cursor + 1, true, PAGE);
    if (page.status === 'stream-deleted') return call.fail(streamDeletedError(stream));
    let exhausted = true;
    if (page.status === 'ok') {
      for (const e of page.events) {
        const pending = call.write(encoder.event(e), eventSize(e));
        if (pending) await pending;
      }
      cursor = page.next - 1;
      exhausted = page.exhausted;
    }
    if (!exhausted) continue;
    if (!caughtUp) {
      caughtUp = true;
      await call.write(EventEncoder.caughtUp());
    }
    await call.drain();
    await log.signal.wait(seq, stream, call);
  }
}

/**
 * Catch-up subscription to `$all`, optionally filtered. With a filter, every event scanned counts
 * towards the checkpoint interval, matched or not; a checkpoint also closes the catch-up phase, just
 * before caught_up. Checkpoints never repeat or go backwards. A stream-prefix filter over few events
 * (SPARSE_STREAMS_CAP) catches up through the stream index: only those events are considered, and the
 * closing checkpoint is the last position of `$all` at that moment; live events are scanned as usual.
 */
export async function pumpAllSubscription(
  log: SqliteEventLog,
  call: ServerCall<streamsPb.ReadResp>,
  encoder: EventEncoder,
  start: SubscriptionStart,
  filter: FilterSettings | undefined,
): Promise<void> {
  await call.write(EventEncoder.confirmation(randomUUID()));
  // `from` is inclusive; `readPosition` is the last position considered (or where reading began).
  let readPosition: number;
  let from: number;
  if (start.kind === 'start') {
    readPosition = 0;
    from = 0;
  } else if (start.kind === 'after') {
    readPosition = start.value;
    from = start.value + 1;
  } else {
    readPosition = log.lastPosition;
    from = log.endPosition;
  }
  let considered = 0;
  let lastCheckpoint = -1;
  let caughtUp = false;
  const checkpoint = async (position: number) => {
    considered = 0;
    if (position <= lastCheckpoint) return;
    lastCheckpoint = position;
    await call.write(EventEncoder.checkpoint(position));
  };

  const sparse =
    filter?.streamPrefixes && start.kind !== 'end'
      ? log.sparseStreams(filter.streamPrefixes, SPARSE_STREAMS_CAP)
      : undefined;
  while (sparse && !call.closed && !log.signal.isClosed) {
    await log.whenDurable();
    const page = sparse.readFrom(from, PAGE);
    // Read in the same turn as the page: every event up to it has been considered once the page is out.
    const head = log.lastPosition;
    for (const e of page) {
      const pending = call.write(encoder.event(e), eventSize(e));
      if (pending) await pending;
      if (++considered >= filter!.checkpointInterval) await checkpoint(e.position);
      if (call.closed) return;
    }
    if (page.length === PAGE) {
      from = page[page.length - 1].position + 1;
      continue;
    }
    readPosition = Math.max(readPosition, head);
    from = readPosition + 1;
    break;
  }

  while (!call.closed && !log.signal.isClosed) {
    await log.whenDurable();
    const seq = log.signal.seq;
    const page = log.readAll(from, true, PAGE);
    for (const e of page) {
      if (!filter || filter.matches(e)) {
        const pending = call.write(encoder.event(e), eventSize(e));
        if (pending) await pending;
      }
      if (filter && ++considered >= filter.checkpointInterval) await checkpoint(e.position);
      if (call.closed) return;
    }
    if (page.length > 0) {
      readPosition = page[page.length - 1].position;
      from = readPosition + 1;
    }
    if (page.length === PAGE) continue;
    if (!caughtUp) {
      caughtUp = true;
      if (filter) await checkpoint(readPosition);
      await call.write(EventEncoder.caughtUp());
    }
    await call.drain();
    await log.signal.wait(seq, undefined, call);
  }
}
