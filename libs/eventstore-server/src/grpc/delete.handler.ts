import * as grpc from '@grpc/grpc-js';
import { ExpectedRevision, WriteOutcome } from '../storage/event-log.types';
import { Guard } from '../auth/access-control';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { deadlineOf } from './append.handler';
import {
  BadRequestError,
  accessDeniedError,
  deadlineExceededError,
  timeoutError,
  notAuthenticatedError,
  expectedVersionLong,
  parseExpectedRevision,
  parseStreamName,
  rpcError,
  streamDeletedError,
  streamsPb,
  toRpcError,
} from './protocol';

/** Delete/Tombstone carry a conflict as FAILED_PRECONDITION with trailers (esdb.md §4.3). */
const wrongExpectedVersionError = (stream: string, expected: ExpectedRevision, current: number) =>
  rpcError(grpc.status.FAILED_PRECONDITION, `Wrong expected version for stream '${stream}'.`, {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': expectedVersionLong(expected),
    'actual-version': String(current),
  });

type Position = streamsPb.DeleteResp.Position | streamsPb.TombstoneResp.Position;

function handleDeletion<Req extends streamsPb.DeleteReq | streamsPb.TombstoneReq, Resp>(
  log: SqliteEventLog,
  guard: Guard,
  write: (stream: string, expected: ExpectedRevision) => WriteOutcome,
  respond: (position: number) => Resp,
) {
  return (call: grpc.ServerUnaryCall<Req, Resp>, callback: grpc.sendUnaryData<Resp>): void => {
    const caller = guard.caller(call);
    if (!caller) return callback(notAuthenticatedError());
    let stream: string;
    let expected: ExpectedRevision;
    try {
      const options = call.request?.getOptions();
      if (!options) throw new BadRequestError('delete options are missing');
      stream = parseStreamName(options.getStreamIdentifier());
      expected = parseExpectedRevision(options);
    } catch (error) {
      return callback(toRpcError(error));
    }
    if (!guard.allows(caller, 'delete', stream)) return callback(accessDeniedError());
    // Through the group commit, like appends: positions in arrival order, answered once durable.
    log
      .submit(
        () => write(stream, expected),
        deadlineOf(call),
        () => call.cancelled,
      )
      .then(
        (outcome) => {
          switch (outcome.status) {
            case 'ok':
              return callback(null, respond(outcome.position));
            case 'stream-deleted':
              return callback(streamDeletedError(stream));
            case 'wrong-expected-version':
              return callback(wrongExpectedVersionError(stream, expected, outcome.currentRevision));
            case 'deadline-exceeded':
              return callback(deadlineExceededError());
            case 'timeout':
              return callback(timeoutError());
          }
        },
        (error: unknown) => callback(toRpcError(error)),
      );
  };
}

const setPosition = <P extends Position>(position: P, value: number): P => {
  position.setCommitPosition(String(value));
  position.setPreparePosition(String(value));
  return position;
};

export const createDeleteHandler = (log: SqliteEventLog, guard: Guard) =>
  handleDeletion<streamsPb.DeleteReq, streamsPb.DeleteResp>(
    log,
    guard,
    (stream, expected) => log.delete(stream, expected),
    (position) =>
      new streamsPb.DeleteResp().setPosition(setPosition(new streamsPb.DeleteResp.Position(), position)),
  );

export const createTombstoneHandler = (log: SqliteEventLog, guard: Guard) =>
  handleDeletion<streamsPb.TombstoneReq, streamsPb.TombstoneResp>(
    log,
    guard,
    (stream, expected) => log.tombstone(stream, expected),
    (position) =>
      new streamsPb.TombstoneResp().setPosition(
        setPosition(new streamsPb.TombstoneResp.Position(), position),
      ),
  );
