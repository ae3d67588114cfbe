import * as grpc from '@grpc/grpc-js';
import { ExpectedRevision, ProposedEvent, WriteOutcome } from '../storage/event-log.types';
import { Guard } from '../auth/access-control';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { MissingMetadataError, toProposedEvent } from './proposed-event';
import { StreamingCalls } from './streaming-calls';
import {
  BadRequestError,
  accessDeniedError,
  deadlineExceededError,
  notAuthenticatedError,
  parseExpectedRevision,
  parseStreamName,
  rpcError,
  sharedPb,
  streamDeletedError,
  streamsPb,
  timeoutError,
  toRpcError,
} from './protocol';

export const maxAppendSizeError = (max: number) =>
  rpcError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(max),
  });

export const missingMetadataError = (error: MissingMetadataError) =>
  rpcError(grpc.status.INVALID_ARGUMENT, error.message, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': error.missing.join(','),
  });

/**
 * `Streams.Append` (client stream): options first, then one message per event. A conflict travels
 * in the body (`wrong_expected_version`), not as an error (esdb.md §4.3).
 */
export function createAppendHandler(
  log: SqliteEventLog,
  maxAppendSize: number,
  guard: Guard,
  calls: StreamingCalls,
) {
  return (
    call: grpc.ServerReadableStream<streamsPb.AppendReq, streamsPb.AppendResp>,
    callback: grpc.sendUnaryData<streamsPb.AppendResp>,
  ): void => {
    // Refused by a stop while its events still arrive; from their end it may be committed (see StreamingCalls).
    const arrived = calls.track(call, 'refuse');
    const caller = guard.caller(call);
    let stream: string | undefined;
    let expected: ExpectedRevision | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let finished = false;
    const deadline = deadlineOf(call);
    // The real server's request stream is cancelled at the deadline, so an append still arriving then is refused,
    // however large (a size check here would answer first).
    let reading: NodeJS.Timeout | undefined = Number.isFinite(deadline)
      ? setTimeout(() => fail(deadlineExceededError()), Math.max(0, deadline - Date.now()))
      : undefined;
    const stopReading = () => {
      clearTimeout(reading);
      reading = undefined;
    };
    const fail = (error: Parameters<grpc.sendUnaryData<streamsPb.AppendResp>>[0]) => {
      stopReading();
      if (finished) return;
      finished = true;
      callback(error);
    };
    if (!caller) fail(notAuthenticatedError());

    call.on('data', (req: streamsPb.AppendReq) => {
      if (finished) return;
      // Messages read in one turn of the event loop come before the timer: each checks the time itself.
      if (Date.now() >= deadline) return fail(deadlineExceededError());
      try {
        if (req.hasOptions()) {
          if (stream !== undefined) throw new BadRequestError('options sent twice');
          const options = req.getOptions()!;
          stream = parseStreamName(options.getStreamIdentifier());
          expected = parseExpectedRevision(options);
          if (!guard.allows(caller!, 'write', stream)) fail(accessDeniedError());
          return;
        }
        if (stream === undefined) throw new BadRequestError('the first message must carry the options');
        const proposed = toProposedEvent(req.getProposedMessage());
        size += proposed.size;
        if (size > maxAppendSize) return fail(maxAppendSizeError(maxAppendSize));
        events.push(proposed.event);
      } catch (error) {
        fail(error instanceof MissingMetadataError ? missingMetadataError(error) : toRpcError(error));
      }
    });
    call.on('error', () => {
      stopReading();
      finished = true;
    });
    call.on('end', () => {
      arrived();
      // From here the deadline is checked just before the commit.
      stopReading();
      if (finished) return;
      if (stream === undefined || expected === undefined) {
        return fail(toRpcError(new BadRequestError('append options are missing')));
      }
      const [name, revision] = [stream, expected];
      // Answered only once the group commit holding it is on disk.
      // A client whose own deadline fires resets the stream, which grpc-js also reports as the end of input:
      // a call cancelled by the time of the commit is not written either.
      log
        .submit(
          () => log.append(name, revision, events),
          deadline,
          () => call.cancelled,
        )
        .then(
          (outcome) => {
            if (outcome.status === 'deadline-exceeded') return fail(deadlineExceededError());
            if (outcome.status === 'timeout') return fail(timeoutError());
            if (outcome.status === 'stream-deleted') return fail(streamDeletedError(name));
            if (finished) return;
            finished = true;
            callback(null, appendResponse(outcome, revision));
          },
          (error: unknown) => fail(toRpcError(error)),
        );
    });
  };
}

/** The call's gRPC deadline as epoch ms (Infinity when the client set none). */
export function deadlineOf(call: { getDeadline(): grpc.Deadline }): number {
  const deadline = call.getDeadline();
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

function appendResponse(
  outcome: Exclude<WriteOutcome, { status: 'stream-deleted' }>,
  expected: ExpectedRevision,
): streamsPb.AppendResp {
  const resp = new streamsPb.AppendResp();
  if (outcome.status === 'ok') {
    const success = new streamsPb.AppendResp.Success();
    if (outcome.lastRevision < 0) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(String(outcome.lastRevision));
    const position = new streamsPb.AppendResp.Position();
    position.setCommitPosition(String(outcome.position));
    position.setPreparePosition(String(outcome.position));
    success.setPosition(position);
    return resp.setSuccess(success);
  }
  // Both the current oneofs and the deprecated 20.6.0 ones, as the real server fills them.
  const wev = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision < 0) {
    wev.setCurrentNoStream(new sharedPb.Empty());
    wev.setNoStream2060(new sharedPb.Empty());
  } else {
    wev.setCurrentRevision(String(outcome.currentRevision));
    wev.setCurrentRevision2060(outcome.currentRevision);
  }
  switch (expected.kind) {
    case 'any':
      wev.setExpectedAny(new sharedPb.Empty());
      wev.setAny2060(new sharedPb.Empty());
      break;
    case 'stream_exists':
      wev.setExpectedStreamExists(new sharedPb.Empty());
      wev.setStreamExists2060(new sharedPb.Empty());
      break;
    case 'no_stream':
      // The 20.6.0 oneof has no "no stream" case and its revision is a uint64: left unset.
      wev.setExpectedNoStream(new sharedPb.Empty());
      break;
    case 'exact':
      wev.setExpectedRevision(String(expected.revision));
      wev.setExpectedRevision2060(expected.revision);
      break;
  }
  return resp.setWrongExpectedVersion(wev);
}
