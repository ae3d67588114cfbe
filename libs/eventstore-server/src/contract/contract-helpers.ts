import { randomUUID } from 'node:crypto';
import {
  AppendExpectedRevision,
  AppendResult,
  EventData,
  EventStoreDBClient,
  jsonEvent,
  Position,
  ReadStreamOptions,
  ResolvedEvent,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import * as grpc from '@grpc/grpc-js';
import { collect, grpcClientOf, waitFor } from '@tracker/testing/eventstore/test-event-store';

/**
 * Shared pieces of the contract suite (esdb.md §2–§4). Not a spec file: the specs sit beside it, one per area.
 */

/** The two append RPCs of the Streams service. */
export type AppendPath = 'BatchAppend' | 'Append';
export const APPEND_PATHS: readonly AppendPath[] = ['BatchAppend', 'Append'];

/**
 * `appendToStream` uses BatchAppend when ServerFeatures advertises it and no per-call credentials are given
 * (dist/streams/appendToStream/index.js); with per-call credentials it uses `Streams/Append`. In insecure mode
 * the credentials are then dropped from the wire ("Credentials are unsupported in insecure mode"), so passing
 * them is a real, supported way to drive the Append RPC through the client. Against a secure shared server
 * these are the default admin credentials.
 */
const FORCE_APPEND_RPC = { credentials: { username: 'admin', password: 'changeit' } } as const;

export interface AppendOptions {
  expectedRevision?: AppendExpectedRevision;
  batchAppendSize?: number;
  deadline?: number;
}

/** Appends through the chosen RPC. */
export function appendVia(
  path: AppendPath,
  client: EventStoreDBClient,
  streamName: string,
  events: EventData | EventData[],
  options: AppendOptions = {},
): Promise<AppendResult> {
  return client.appendToStream(
    streamName,
    events,
    path === 'Append' ? { ...options, ...FORCE_APPEND_RPC } : options,
  );
}

/** Spies (call-through) on the generated Streams client, to see which RPC a call went over. */
export function spyOnAppendRpcs(): {
  append: jest.SpyInstance;
  batchAppend: jest.SpyInstance;
  restore(): void;
} {
  const proto = StreamsClient.prototype as unknown as Record<
    'append' | 'batchAppend',
    (...args: any[]) => any
  >;
  const append = jest.spyOn(proto, 'append');
  const batchAppend = jest.spyOn(proto, 'batchAppend');
  return {
    append,
    batchAppend,
    restore() {
      append.mockRestore();
      batchAppend.mockRestore();
    },
  };
}

/** `count` JSON events `{ index }` of one type, with fresh ids. */
export function testEvents(count: number, type = 'ContractTested', from = 0): EventData[] {
  return Array.from({ length: count }, (_, i) =>
    jsonEvent({ id: randomUUID(), type, data: { index: from + i } }),
  );
}

/** Reads a whole stream forwards (or with the given options). */
export async function readStreamEvents(
  client: EventStoreDBClient,
  streamName: string,
  options: ReadStreamOptions = {},
): Promise<ResolvedEvent[]> {
  return collect(client.readStream(streamName, options));
}

/** Revisions of a read, as numbers, for readable expectations. */
export function revisionsOf(events: ResolvedEvent[]): number[] {
  return events.map((e) => Number(e.event!.revision));
}

/** A JSON event with `size` bytes of payload. */
export function sizedEvent(size: number, type = 'Sized'): EventData {
  return jsonEvent({ id: randomUUID(), type, data: { blob: 'x'.repeat(size) } });
}

/** One thing a catch-up subscription surfaced, in arrival order. */
export type SubscriptionEntry =
  | { kind: 'confirmation' }
  | { kind: 'caughtUp' }
  | { kind: 'fellBehind' }
  | { kind: 'event'; event: ResolvedEvent }
  | { kind: 'checkpoint'; position: Position };

export interface SubscriptionRecorder {
  readonly log: SubscriptionEntry[];
  readonly errors: unknown[];
  events(): ResolvedEvent[];
  count(kind: SubscriptionEntry['kind']): number;
  /** Events received before the first caughtUp (all of them if none yet). */
  eventsBeforeCaughtUp(): ResolvedEvent[];
  /** Resolves once `predicate` holds over the events received (polling with a deadline). */
  waitForEvents(
    predicate: (events: ResolvedEvent[]) => boolean,
    description: string,
    timeoutMs?: number,
  ): Promise<void>;
  waitFor(kind: SubscriptionEntry['kind'], times?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface AnySubscription {
  on(event: string, listener: (...args: any[]) => void): unknown;
  unsubscribe(): Promise<void>;
}

/**
 * Records everything a subscription surfaces, in order. Checkpoints are recorded by the `checkpointReached`
 * callback, which the caller must route to `onCheckpoint` (see `checkpointSink`).
 */
export function recordSubscription(
  subscription: AnySubscription,
  sink?: { attach(record: (position: Position) => void): void },
): SubscriptionRecorder {
  const log: SubscriptionEntry[] = [];
  const errors: unknown[] = [];
  subscription.on('confirmation', () => log.push({ kind: 'confirmation' }));
  subscription.on('caughtUp', () => log.push({ kind: 'caughtUp' }));
  subscription.on('fellBehind', () => log.push({ kind: 'fellBehind' }));
  subscription.on('data', (event: ResolvedEvent) => log.push({ kind: 'event', event }));
  subscription.on('error', (error: unknown) => errors.push(error));
  sink?.attach((position) => log.push({ kind: 'checkpoint', position }));
  const events = () => log.flatMap((e) => (e.kind === 'event' ? [e.event] : []));
  const count = (kind: SubscriptionEntry['kind']) => log.filter((e) => e.kind === kind).length;
  return {
    log,
    errors,
    events,
    count,
    eventsBeforeCaughtUp() {
      const end = log.findIndex((e) => e.kind === 'caughtUp');
      return (end < 0 ? log : log.slice(0, end)).flatMap((e) => (e.kind === 'event' ? [e.event] : []));
    },
    async waitForEvents(predicate, description, timeoutMs = 10_000) {
      await waitFor(
        () => {
          if (errors.length > 0) throw errors[0];
          return predicate(events());
        },
        { description, timeoutMs },
      );
    },
    async waitFor(kind, times = 1, timeoutMs = 10_000) {
      await waitFor(
        () => {
          if (errors.length > 0) throw errors[0];
          return count(kind) >= times;
        },
        { description: `${times} × ${kind}`, timeoutMs },
      );
    },
    async stop() {
      await subscription.unsubscribe();
    },
  };
}

/** A `checkpointReached` callback whose positions a recorder can pick up. */
export function checkpointSink(): {
  checkpointReached: (subscription: unknown, position: Position) => void;
  attach(record: (position: Position) => void): void;
} {
  let record: ((position: Position) => void) | undefined;
  const early: Position[] = [];
  return {
    checkpointReached: (_subscription, position) => (record ? record(position) : early.push(position)),
    attach(r) {
      record = r;
      early.splice(0).forEach(r);
    },
  };
}

/** Asserts a list of revisions is exactly `from`, `from + 1`, … `to` (no gap, no duplicate). */
export function expectContiguous(revisions: number[], from: number, to: number): void {
  expect(revisions).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

/**
 * A `Streams/Append` call through the client's own channel, its options and one event of `type` sent and the
 * request stream left open: the test ends it (`call.end()`) or lets the server end the call. `answer` is the
 * call's error, or null once it succeeded.
 */
export async function openAppendCall(
  client: EventStoreDBClient,
  stream: string,
  type: string,
  metadata = new grpc.Metadata(),
): Promise<{ call: grpc.ClientWritableStream<Buffer>; answer: Promise<grpc.ServiceError | null> }> {
  const raw = await grpcClientOf(client, grpc.Client);
  const options = new AppendReq.Options()
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8')))
    .setAny(new Empty());
  const message = new AppendReq.ProposedMessage()
    .setId(new UUID().setString(randomUUID()))
    .setData(Buffer.from('{}'))
    .setCustomMetadata(Buffer.alloc(0));
  message.getMetadataMap().set('type', type).set('content-type', 'application/json');
  const identity = (b: Buffer) => b;
  let call!: grpc.ClientWritableStream<Buffer>;
  const answer = new Promise<grpc.ServiceError | null>((resolve) => {
    call = raw.makeClientStreamRequest(
      '/event_store.client.streams.Streams/Append',
      identity,
      identity,
      metadata,
      {},
      (e) => resolve(e),
    );
  });
  call.on('error', () => undefined);
  call.write(Buffer.from(new AppendReq().setOptions(options).serializeBinary()));
  call.write(Buffer.from(new AppendReq().setProposedMessage(message).serializeBinary()));
  return { call, answer };
}
