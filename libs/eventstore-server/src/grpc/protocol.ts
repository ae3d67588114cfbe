import * as grpc from '@grpc/grpc-js';
// The client's own generated stubs: its serializers check `instanceof` against these very modules.
import * as streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb';
import * as streamsPb from '@eventstore/db-client/generated/streams_pb';
import * as sharedPb from '@eventstore/db-client/generated/shared_pb';
import * as statusPb from '@eventstore/db-client/generated/status_pb';
import * as serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import * as serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb';
import * as gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb';
import * as gossipPb from '@eventstore/db-client/generated/gossip_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { ExpectedRevision } from '../storage/event-log.types';

export {
  streamsGrpc,
  streamsPb,
  sharedPb,
  statusPb,
  serverFeaturesGrpc,
  serverFeaturesPb,
  gossipGrpc,
  gossipPb,
};
export { Any, GoogleEmpty };

/** A request the server refuses with INVALID_ARGUMENT; thrown by the parsers below. */
export class BadRequestError extends Error {}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const U64_PATTERN = /^\d{1,20}$/;

/** A UUID message (string or structured form) as a lowercase canonical string. */
export function parseUuid(uuid: sharedPb.UUID | undefined, what: string): string {
  if (!uuid) throw new BadRequestError(`${what} is missing`);
  if (uuid.hasString()) {
    const text = uuid.getString();
    if (!UUID_PATTERN.test(text))
      throw new BadRequestError(`${what} is not a valid UUID: ${JSON.stringify(text)}`);
    return text.toLowerCase();
  }
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    let msb: bigint;
    let lsb: bigint;
    try {
      msb = BigInt.asUintN(64, BigInt(s.getMostSignificantBits()));
      lsb = BigInt.asUintN(64, BigInt(s.getLeastSignificantBits()));
    } catch {
      throw new BadRequestError(`${what} is not a valid UUID`);
    }
    const hex = msb.toString(16).padStart(16, '0') + lsb.toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new BadRequestError(`${what} is empty`);
}

/** A UUID message in the form the reader asked for (v6 always asks for strings). */
export function uuidMessage(id: string, structured: boolean): sharedPb.UUID {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(s);
}

export function parseStreamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (!identifier) throw new BadRequestError('stream identifier is missing');
  const name = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
  if (name.length === 0) throw new BadRequestError('stream name is empty');
  return name;
}

/** A uint64 carried as a decimal string (jstype = JS_STRING); beyond 2^53 it saturates, harmlessly. */
export function parseU64(text: string, what: string): number {
  if (!U64_PATTERN.test(text))
    throw new BadRequestError(`${what} is not an unsigned integer: ${JSON.stringify(text)}`);
  const n = Number(text);
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}

interface ExpectedRevisionOptions {
  getExpectedStreamRevisionCase(): number;
  getRevision(): string;
}

/** Append/Delete/Tombstone options share one oneof layout: revision=2, no_stream=3, any=4, stream_exists=5. */
export function parseExpectedRevision(options: ExpectedRevisionOptions): ExpectedRevision {
  switch (options.getExpectedStreamRevisionCase()) {
    case 2:
      return { kind: 'exact', revision: parseU64(options.getRevision(), 'expected revision') };
    case 3:
      return { kind: 'no_stream' };
    case 4:
      return { kind: 'any' };
    case 5:
      return { kind: 'stream_exists' };
    default:
      throw new BadRequestError('expected stream revision is missing');
  }
}

/** The raw long of a Delete/Tombstone `expected-version` trailer: −2 any, −1 no_stream, −4 stream_exists. */
export function expectedVersionLong(expected: ExpectedRevision): string {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'exact':
      return String(expected.revision);
  }
}

/** A gRPC error as grpc-js sends it: status, message and trailers (`exception` etc., esdb.md §3). */
export function rpcError(
  code: grpc.status,
  details: string,
  trailers: Record<string, string> = {},
): Partial<grpc.StatusObject> & { code: grpc.status; details: string; metadata: grpc.Metadata } {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
}

export const streamDeletedError = (stream: string) =>
  rpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });

/** Not written: the deadline passed before the commit (the client maps it to DeadlineExceededError). */
export const deadlineExceededError = () => rpcError(grpc.status.DEADLINE_EXCEEDED, 'Deadline Exceeded');

/**
 * Past the server's prepare or commit timeout: written or not (the real server's RpcExceptions.Timeout; the
 * client maps ABORTED to TimeoutError).
 */
export const timeoutError = () => rpcError(grpc.status.ABORTED, 'Operation timed out');

/** Credentials were sent but are unknown or wrong: the real server's authentication middleware answer. */
export const notAuthenticatedError = () => rpcError(grpc.status.UNAUTHENTICATED, 'Unauthenticated');

/** The caller may not do this (or sent no credentials to a secure node). */
export const accessDeniedError = () =>
  rpcError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });

export const badRequestError = (message: string) => rpcError(grpc.status.INVALID_ARGUMENT, message);

/** Anything unexpected becomes a status for this call: a request never takes the process down. */
export function toRpcError(error: unknown) {
  if (error instanceof BadRequestError) return badRequestError(error.message);
  const message = error instanceof Error ? error.message : String(error);
  return rpcError(grpc.status.INTERNAL, message);
}

/** Pack a message as google.protobuf.Any, the way the client's `unpackError` expects. */
export function packAny(message: { serializeBinary(): Uint8Array }, typeName: string): Any {
  const any = new Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}
