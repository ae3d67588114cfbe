import * as grpc from '@grpc/grpc-js';
import { Guard } from '../auth/access-control';
import { ExpectedRevision, ProposedEvent } from '../storage/event-log.types';
import { QueuedOutcome, SqliteEventLog } from '../storage/sqlite-event-log';
import { preEncodedAs, varintSize, writeVarint } from './event-encoder';
import { MissingMetadataError, toProposedEvent } from './proposed-event';
import { enableBatchedWrites } from './server-call';
import { StreamingCalls } from './streaming-calls';
import {
  BadRequestError,
  GoogleEmpty,
  notAuthenticatedError,
  packAny,
  parseStreamName,
  parseU64,
  parseUuid,
  sharedPb,
  statusPb,
  streamsPb,
} from './protocol';

interface PendingBatch {
  readonly stream: string;
  expected: ExpectedRevision | undefined;
  /** Epoch ms from the options' deadline; Infinity when none. */
  deadlineMs: number;
  readonly events: ProposedEvent[];
  size: number;
  /** Already answered with an error: later chunks are dropped until `is_final`. */
  rejected: boolean;
}

/** Bounds the memory an abandoned multi-chunk batch can hold. */
const MAX_PENDING_BATCHES = 1024;

/**
 * `Streams.BatchAppend` (bidi): one long-lived stream shared by every append of a client. Every
 * request is answered on its own correlation id, errors included, and nothing a request carries may
 * end the stream: one broken answer would hang every later append of that client (esdb.md §2).
 */
export function createBatchAppendHandler(
  log: SqliteEventLog,
  maxAppendSize: number,
  guard: Guard,
  calls: StreamingCalls,
) {
  return (call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>): void => {
    calls.track(call, 'cancel');
    const caller = guard.caller(call);
    // Bad credentials fail the whole call, as the real server's authentication middleware does.
    if (!caller) return void call.emit('error', notAuthenticatedError());
    enableBatchedWrites(call);
    const pending = new Map<string, PendingBatch>();
    let open = true;
    const send = (resp: streamsPb.BatchAppendResp) => {
      if (open) call.write(resp);
    };

    call.on('data', (req: streamsPb.BatchAppendReq) => {
      const correlation = req.getCorrelationId();
      const key = correlationKey(correlation);
      let batch = pending.get(key);
      try {
        if (!batch) {
          const options = req.getOptions();
          // Known before anything can throw, so even an error names its stream.
          batch = {
            stream: safeStreamName(options?.getStreamIdentifier()),
            expected: undefined,
            deadlineMs: Infinity,
            events: [],
            size: 0,
            rejected: false,
          };
          if (!req.getIsFinal() && key !== '') {
            if (pending.size >= MAX_PENDING_BATCHES) pending.delete(pending.keys().next().value as string);
            pending.set(key, batch);
          }
          if (!correlation || key === '') throw new BadRequestError('correlation id is missing or invalid');
          if (!options) throw new BadRequestError('the first chunk of a batch must carry the options');
          batch.expected = batchExpected(options);
          parseStreamName(options.getStreamIdentifier());
          if (!guard.allows(caller, 'write', batch.stream)) {
            reject(batch);
            const detail = new sharedPb.AccessDenied();
            send(
              errorResponse(
                correlation,
                batch,
                grpc.status.PERMISSION_DENIED,
                'Access Denied',
                detail,
                'AccessDenied',
              ),
            );
          }
          const deadline = options.getDeadline();
          if (deadline) batch.deadlineMs = deadline.getSeconds() * 1000 + deadline.getNanos() / 1e6;
        }
        if (!batch.rejected && Date.now() >= batch.deadlineMs) {
          // Past its deadline while its chunks still arrive: refused at once, as the real server's timeout does.
          reject(batch);
          send(outcomeResponse(correlation, batch, { status: 'deadline-exceeded' }));
        }
        if (!batch.rejected) {
          for (const message of req.getProposedMessagesList()) {
            const proposed = toProposedEvent(message);
            batch.size += proposed.size;
            if (batch.size > maxAppendSize) {
              reject(batch);
              const detail = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize);
              send(
                errorResponse(
                  correlation,
                  batch,
                  grpc.status.INVALID_ARGUMENT,
                  'Maximum Append Size Exceeded.',
                  detail,
                  'MaximumAppendSizeExceeded',
                ),
              );
              break;
            }
            batch.events.push(proposed.event);
          }
        }
        if (!req.getIsFinal() || batch.rejected) return;
        const done = batch;
        // Joins the next group commit; the deadline in the options is checked just before that commit.
        log
          .submit(() => log.append(done.stream, done.expected!, done.events), done.deadlineMs)
          .then(
            (outcome) => send(outcomeResponse(correlation, done, outcome)),
            (error: unknown) => {
              const message = `Append failed: ${error instanceof Error ? error.message : String(error)}`;
              const detail = new sharedPb.BadRequest().setMessage(message);
              send(errorResponse(correlation, done, grpc.status.INTERNAL, message, detail, 'BadRequest'));
            },
          );
      } catch (error) {
        // Malformed request or an unexpected failure: answer this correlation id once, keep the stream.
        if (batch?.rejected) return;
        const invalid = error instanceof MissingMetadataError || error instanceof BadRequestError;
        const message = invalid
          ? (error as Error).message
          : `Append failed: ${error instanceof Error ? error.message : String(error)}`;
        const detail = new sharedPb.BadRequest().setMessage(message);
        if (batch) reject(batch);
        send(
          errorResponse(
            correlation,
            batch ?? { stream: '', expected: undefined },
            invalid ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL,
            message,
            detail,
            'BadRequest',
          ),
        );
      } finally {
        if (req.getIsFinal()) pending.delete(key);
      }
    });
    call.on('end', () => {
      if (open) call.end();
      open = false;
    });
    call.on('error', () => {
      open = false;
    });
    call.on('cancelled', () => {
      open = false;
    });
  };
}

/** '' for a missing or malformed id: such requests are answered at once and never pending. */
function correlationKey(uuid: sharedPb.UUID | undefined): string {
  try {
    return parseUuid(uuid, 'correlation id');
  } catch {
    return '';
  }
}

function reject(batch: PendingBatch): void {
  batch.rejected = true;
  batch.events.length = 0;
}

/** The stream name, if any can be read, so even an error response names its stream. */
function safeStreamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function batchExpected(options: streamsPb.BatchAppendReq.Options): ExpectedRevision {
  switch (options.getExpectedStreamPositionCase()) {
    case streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_POSITION:
      return { kind: 'exact', revision: parseU64(options.getStreamPosition(), 'expected stream position') };
    case streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase.NO_STREAM:
      return { kind: 'no_stream' };
    case streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase.ANY:
      return { kind: 'any' };
    case streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw new BadRequestError('expected stream position is missing');
  }
}

/** Every response carries the correlation id and the stream identifier: the client reads both. */
export function baseResponse(
  correlation: sharedPb.UUID | undefined,
  batch: { stream: string; expected: ExpectedRevision | undefined },
): streamsPb.BatchAppendResp {
  const resp = new streamsPb.BatchAppendResp();
  resp.setCorrelationId(correlation ?? new sharedPb.UUID().setString(''));
  resp.setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(batch.stream, 'utf8')));
  switch (batch.expected?.kind) {
    case 'exact':
      resp.setStreamPosition(String(batch.expected.revision));
      break;
    case 'no_stream':
      resp.setNoStream(new GoogleEmpty());
      break;
    case 'any':
      resp.setAny(new GoogleEmpty());
      break;
    case 'stream_exists':
      resp.setStreamExists(new GoogleEmpty());
      break;
  }
  return resp;
}

function errorResponse(
  correlation: sharedPb.UUID | undefined,
  batch: { stream: string; expected: ExpectedRevision | undefined },
  code: grpc.status,
  message: string,
  detail: { serializeBinary(): Uint8Array },
  detailType: string,
): streamsPb.BatchAppendResp {
  const status = new statusPb.Status();
  status.setCode(code as number);
  status.setMessage(message);
  status.setDetails(packAny(detail, `event_store.client.${detailType}`));
  return baseResponse(correlation, batch).setError(status);
}

function outcomeResponse(
  correlation: sharedPb.UUID | undefined,
  batch: PendingBatch,
  outcome: QueuedOutcome,
): streamsPb.BatchAppendResp {
  switch (outcome.status) {
    // The real server's BatchAppend answers its timeouts as it answers a passed deadline.
    case 'deadline-exceeded':
    case 'timeout':
      return errorResponse(
        correlation,
        batch,
        grpc.status.DEADLINE_EXCEEDED,
        'Deadline exceeded.',
        new sharedPb.Timeout(),
        'Timeout',
      );
    case 'ok':
      return successResponse(correlation, batch, outcome);
    case 'stream-deleted': {
      const detail = new sharedPb.StreamDeleted();
      detail.setStreamIdentifier(
        new sharedPb.StreamIdentifier().setStreamName(Buffer.from(batch.stream, 'utf8')),
      );
      return errorResponse(
        correlation,
        batch,
        grpc.status.FAILED_PRECONDITION,
        `Event stream '${batch.stream}' is deleted.`,
        detail,
        'StreamDeleted',
      );
    }
    case 'wrong-expected-version': {
      const detail = new sharedPb.WrongExpectedVersion();
      if (outcome.currentRevision < 0) detail.setCurrentNoStream(new GoogleEmpty());
      else detail.setCurrentStreamRevision(String(outcome.currentRevision));
      switch (batch.expected?.kind) {
        case 'exact':
          detail.setExpectedStreamPosition(String(batch.expected.revision));
          break;
        case 'no_stream':
          detail.setExpectedNoStream(new GoogleEmpty());
          break;
        case 'any':
          detail.setExpectedAny(new GoogleEmpty());
          break;
        case 'stream_exists':
          detail.setExpectedStreamExists(new GoogleEmpty());
          break;
      }
      return errorResponse(
        correlation,
        batch,
        grpc.status.FAILED_PRECONDITION,
        'Wrong expected version.',
        detail,
        'WrongExpectedVersion',
      );
    }
  }
}

/** A BatchAppendResp to grpc-js whose `serializeBinary` returns bytes encoded by hand. */
const preEncodedResp = preEncodedAs(streamsPb.BatchAppendResp);

/** Empty messages of the expected-position oneof (fields 6–8), by expected kind. */
const EXPECTED_EMPTY = { no_stream: 0x32, any: 0x3a, stream_exists: 0x42 } as const;

/**
 * The answer to every successful append, encoded by hand (building and serializing the jspb messages cost
 * about as much as the rest of the answer): the same bytes as jspb's, field by field in field order
 * (streams.proto: correlation_id 1, success 3 {current_revision 1 | no_stream 2, position 3
 * {commit_position 1, prepare_position 2}}, stream_identifier 4 {stream_name 3}, expected position 5–8).
 * A spec pins them to jspb's.
 */
export function successResponse(
  correlation: sharedPb.UUID | undefined,
  batch: { stream: string; expected: ExpectedRevision | undefined },
  outcome: { lastRevision: number; position: number },
): streamsPb.BatchAppendResp {
  const id = (correlation ?? new sharedPb.UUID().setString('')).serializeBinary();
  const name = Buffer.from(batch.stream, 'utf8');
  const { lastRevision, position } = outcome;
  const positionSize = position === 0 ? 0 : 2 * (1 + varintSize(position));
  const revisionSize = lastRevision < 0 ? 2 : 1 + varintSize(lastRevision);
  const successSize = revisionSize + 1 + varintSize(positionSize) + positionSize;
  const identifierSize = name.length === 0 ? 0 : 1 + varintSize(name.length) + name.length;
  const expected = batch.expected;
  const expectedSize = !expected ? 0 : expected.kind === 'exact' ? 1 + varintSize(expected.revision) : 2;
  const bytes = Buffer.allocUnsafe(
    1 +
      varintSize(id.length) +
      id.length +
      1 +
      varintSize(successSize) +
      successSize +
      1 +
      varintSize(identifierSize) +
      identifierSize +
      expectedSize,
  );
  let o = 0;
  bytes[o++] = 0x0a; // correlation_id
  o = writeVarint(bytes, o, id.length);
  bytes.set(id, o);
  o += id.length;
  bytes[o++] = 0x1a; // success
  o = writeVarint(bytes, o, successSize);
  if (lastRevision < 0) {
    bytes[o++] = 0x12; // Success.no_stream (Empty)
    bytes[o++] = 0;
  } else {
    bytes[o++] = 0x08; // Success.current_revision
    o = writeVarint(bytes, o, lastRevision);
  }
  bytes[o++] = 0x1a; // Success.position
  o = writeVarint(bytes, o, positionSize);
  if (positionSize > 0) {
    bytes[o++] = 0x08; // commit_position
    o = writeVarint(bytes, o, position);
    bytes[o++] = 0x10; // prepare_position
    o = writeVarint(bytes, o, position);
  }
  bytes[o++] = 0x22; // stream_identifier
  o = writeVarint(bytes, o, identifierSize);
  if (name.length > 0) {
    bytes[o++] = 0x1a; // StreamIdentifier.stream_name
    o = writeVarint(bytes, o, name.length);
    o += name.copy(bytes, o);
  }
  if (expected?.kind === 'exact') {
    bytes[o++] = 0x28; // stream_position
    writeVarint(bytes, o, expected.revision);
  } else if (expected) {
    bytes[o++] = EXPECTED_EMPTY[expected.kind];
    bytes[o] = 0;
  }
  return preEncodedResp(bytes);
}
