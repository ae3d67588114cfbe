import type { EventStoreDBClient } from '@eventstore/db-client';
import * as grpc from '@grpc/grpc-js';

/**
 * Access to the gRPC layer under an `EventStoreDBClient`, through the client's own (internal, but stable in
 * the pinned 6.2.1) seams: `getGRPCClient` builds a grpc-js client on the client's channel, so raw calls go
 * over exactly the connection the client uses (insecure, TLS or discovered). Used by the contract suite to
 * send requests the client would never send (malformed ones), and to read what ServerFeatures advertises.
 */
interface ClientInternals {
  getGRPCClient<T>(ctor: new (...args: any[]) => T, debugName: string): Promise<T>;
  readonly capabilities: Promise<ServerCapabilities>;
}

export interface ServerCapabilities {
  readonly serverVersion: string;
  supports(method: { path: string }, feature?: string): boolean;
}

function internals(client: EventStoreDBClient): ClientInternals {
  return client as unknown as ClientInternals;
}

/** A grpc-js client of the given generated class (e.g. `StreamsClient`) on the client's channel. */
export function grpcClientOf<T>(client: EventStoreDBClient, ctor: new (...args: any[]) => T): Promise<T> {
  return internals(client).getGRPCClient(ctor, `raw:${ctor.name}`);
}

/** What the client learnt from ServerFeatures/GetSupportedMethods (fetched lazily, cached per channel). */
export function serverCapabilities(client: EventStoreDBClient): Promise<ServerCapabilities> {
  return internals(client).capabilities;
}

const identity = (bytes: Buffer): Buffer => bytes;

export interface RawResult {
  error?: grpc.ServiceError;
  messages: Buffer[];
}

function callOptions(deadlineMs: number): grpc.CallOptions {
  return { deadline: new Date(Date.now() + deadlineMs) };
}

/** A unary call with raw request bytes. Resolves with the status error or the response bytes. */
export async function rawUnary(
  client: EventStoreDBClient,
  path: string,
  request: Buffer,
  deadlineMs = 5_000,
): Promise<RawResult> {
  const raw = await grpcClientOf(client, grpc.Client);
  return new Promise((resolve) => {
    raw.makeUnaryRequest(
      path,
      identity,
      identity,
      request,
      new grpc.Metadata(),
      callOptions(deadlineMs),
      (error, response) =>
        resolve(error ? { error, messages: [] } : { messages: response ? [response] : [] }),
    );
  });
}

/** A server-streaming call with raw request bytes; collects every response until the status arrives. */
export async function rawServerStream(
  client: EventStoreDBClient,
  path: string,
  request: Buffer,
  deadlineMs = 5_000,
): Promise<RawResult> {
  const raw = await grpcClientOf(client, grpc.Client);
  return new Promise((resolve) => {
    const messages: Buffer[] = [];
    const call = raw.makeServerStreamRequest(
      path,
      identity,
      identity,
      request,
      new grpc.Metadata(),
      callOptions(deadlineMs),
    );
    call.on('data', (message: Buffer) => messages.push(message));
    call.on('error', (error: grpc.ServiceError) => resolve({ error, messages }));
    call.on('end', () => resolve({ messages }));
  });
}

/** A client-streaming call (like `Streams/Append`) with raw request messages. */
export async function rawClientStream(
  client: EventStoreDBClient,
  path: string,
  requests: Buffer[],
  deadlineMs = 5_000,
): Promise<RawResult> {
  const raw = await grpcClientOf(client, grpc.Client);
  return new Promise((resolve) => {
    const call = raw.makeClientStreamRequest(
      path,
      identity,
      identity,
      new grpc.Metadata(),
      callOptions(deadlineMs),
      (error, response) =>
        resolve(error ? { error, messages: [] } : { messages: response ? [response] : [] }),
    );
    call.on('error', () => undefined);
    for (const request of requests) call.write(request);
    call.end();
  });
}

/**
 * A bidi call (like `Streams/BatchAppend`): writes the requests, half-closes, and collects responses until the
 * status arrives or `expectedResponses` responses were received (then the call is cancelled).
 */
export async function rawBidi(
  client: EventStoreDBClient,
  path: string,
  requests: Buffer[],
  options: { expectedResponses?: number; deadlineMs?: number; halfClose?: boolean } = {},
): Promise<RawResult> {
  const { expectedResponses, deadlineMs = 5_000, halfClose = true } = options;
  const raw = await grpcClientOf(client, grpc.Client);
  return new Promise((resolve) => {
    const messages: Buffer[] = [];
    let settled = false;
    const call = raw.makeBidiStreamRequest(
      path,
      identity,
      identity,
      new grpc.Metadata(),
      callOptions(deadlineMs),
    );
    const done = (result: RawResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    call.on('data', (message: Buffer) => {
      messages.push(message);
      if (expectedResponses !== undefined && messages.length >= expectedResponses) {
        done({ messages });
        call.cancel();
      }
    });
    call.on('error', (error: grpc.ServiceError) => done({ error, messages }));
    call.on('end', () => done({ messages }));
    for (const request of requests) call.write(request);
    if (halfClose) call.end();
  });
}
