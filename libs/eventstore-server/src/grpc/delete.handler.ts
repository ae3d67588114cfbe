import * as grpc from '@grpc/grpc-js';
import { ExpectedRevision, WriteOutcome } from '../storage/event-log.types';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { deadlineOf } from './append.handler';
import {
  BadRequestError,
  deadlineExceededError,
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
  write: (stream: string, expected: ExpectedRevision) => WriteOutcome,
  respond: (position: number) => Resp,
) {
  return (call: grpc.ServerUnaryCall<Req, Resp>, callback: grpc.sendUnaryData<Resp>): void => {
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

export const createDeleteHandler = (log: SqliteEventLog) =>
  handleDeletion<streamsPb.DeleteReq, streamsPb.DeleteResp>(
    log,
    (stream, expected) => log.delete(stream, expected),
    (position) =>
      new streamsPb.DeleteResp().setPosition(setPosition(new streamsPb.DeleteResp.Position(), position)),
  );

export const createTombstoneHandler = (log: SqliteEventLog) =>
  handleDeletion<streamsPb.TombstoneReq, streamsPb.TombstoneResp>(
    log,
    (stream, expected) => log.tombstone(stream, expected),
    (position) =>
      new streamsPb.TombstoneResp().setPosition(
        setPosition(new streamsPb.TombstoneResp.Position(), position),
      ),
  );
