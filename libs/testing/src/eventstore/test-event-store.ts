import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import {
  EventStoreServerOptions,
  RunningEventStoreServer,
  startEventStoreServer,
} from '@tracker/eventstore-server';

export * from './test-certificates';
export * from './wait-for';
export * from './raw-grpc';

/**
 * Harness for the event-store contract suite and for any test that needs an EventStoreDB.
 *
 * One suite, several targets (Emmett's `EventStoreFactory` idea): when `EVENTSTORE_TEST_CONNECTION_STRING` is
 * set, every test runs against that server (a real EventStoreDB/KurrentDB, or a long-lived embedded one), so
 * stream names are unique per test and tests that need a fresh store or a restart are skipped. Otherwise each
 * test file gets its own fresh embedded server (in memory, loopback, port 0).
 */
export const SHARED_EVENT_STORE_ENV = 'EVENTSTORE_TEST_CONNECTION_STRING';

/** The shared server's connection string, when one is configured. */
export function sharedEventStoreConnectionString(): string | undefined {
  const value = process.env[SHARED_EVENT_STORE_ENV]?.trim();
  return value ? value : undefined;
}

/** True when tests run against a shared server: no fresh store, no restart, other writers may be present. */
export function isSharedEventStore(): boolean {
  return sharedEventStoreConnectionString() !== undefined;
}

export type ConnectionParams = Record<string, string | number | boolean>;

export interface TestEventStore {
  /** The connection string the default client uses. */
  readonly connectionString: string;
  /** True when the target is a shared server given by `EVENTSTORE_TEST_CONNECTION_STRING`. */
  readonly shared: boolean;
  /** The embedded server, when this harness started one. */
  readonly server?: RunningEventStoreServer;
  /** A client on `connectionString`, closed by `close()`. */
  readonly client: EventStoreDBClient;
  /** A new client, with extra connection-string parameters (e.g. `{ throwOnAppendFailure: false }`), closed by `close()`. */
  createClient(params?: ConnectionParams): EventStoreDBClient;
  /** A stream name no other test (in any run against a shared server) uses. */
  streamName(prefix?: string): string;
  /** A prefix unique to this call, for filters that must only see this test's streams or event types. */
  uniquePrefix(prefix?: string): string;
  /** Disposes every client and stops the embedded server. Idempotent. */
  close(): Promise<void>;
}

export interface StartTestEventStoreOptions {
  /** Options for the embedded server (ignored when a shared server is configured). Defaults: in memory, port 0. */
  server?: EventStoreServerOptions;
  /** Ignore `EVENTSTORE_TEST_CONNECTION_STRING` and always start an embedded server. */
  forceEmbedded?: boolean;
}

/** Adds query parameters to an `esdb://` / `esdb+discover://` connection string. */
export function withConnectionParams(connectionString: string, params: ConnectionParams = {}): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return connectionString;
  const query = entries
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return connectionString + (connectionString.includes('?') ? '&' : '?') + query;
}

let counter = 0;
/** A short unique token: run id + counter, safe in stream names and as a prefix. */
export function uniqueToken(): string {
  counter += 1;
  return `${randomUUID().slice(0, 8)}${counter.toString(36)}`;
}

export async function startTestEventStore(options: StartTestEventStoreOptions = {}): Promise<TestEventStore> {
  const sharedString = options.forceEmbedded ? undefined : sharedEventStoreConnectionString();
  let server: RunningEventStoreServer | undefined;
  let connectionString: string;
  if (sharedString) {
    connectionString = sharedString;
  } else {
    server = await startEventStoreServer({ host: '127.0.0.1', port: 0, memory: true, ...options.server });
    connectionString = server.connectionString;
  }
  const clients: EventStoreDBClient[] = [];
  const createClient = (params?: ConnectionParams): EventStoreDBClient => {
    const client = EventStoreDBClient.connectionString(withConnectionParams(connectionString, params));
    clients.push(client);
    return client;
  };
  const client = createClient();
  let closing: Promise<void> | undefined;
  return {
    connectionString,
    shared: server === undefined,
    server,
    client,
    createClient,
    streamName: (prefix = 'contract') => `${prefix}-${uniqueToken()}`,
    uniquePrefix: (prefix = 'p') => `${prefix}${uniqueToken()}`,
    close() {
      closing ??= (async () => {
        await Promise.allSettled(clients.map((c) => c.dispose()));
        await server?.close();
      })();
      return closing;
    },
  };
}

/**
 * Registers `beforeAll`/`afterAll` in the calling describe block (or file) and returns an accessor: one store
 * per test file (or per describe block), as the contract suite needs.
 */
export function useTestEventStore(options: StartTestEventStoreOptions = {}): () => TestEventStore {
  let store: TestEventStore | undefined;
  beforeAll(async () => {
    store = await startTestEventStore(options);
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => {
    if (!store) throw new Error('the test event store is not started (use it inside a test or a hook)');
    return store;
  };
}

/** `it` for tests that need a store of their own (fresh log, restart, TLS...): skipped against a shared server. */
export const itNeedsOwnServer: jest.It = isSharedEventStore() ? it.skip : it;
/** `describe` counterpart of `itNeedsOwnServer`. */
export const describeNeedsOwnServer: jest.Describe = isSharedEventStore() ? describe.skip : describe;

/** Drains an async iterable (a read) into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Resolves with what the promise rejected with; fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    const value = await promise;
    throw new ExpectedRejectionError(value);
  } catch (error) {
    if (error instanceof ExpectedRejectionError) throw error;
    return error;
  }
}

class ExpectedRejectionError extends Error {
  constructor(value: unknown) {
    super(`expected a rejection, but it resolved with ${safeString(value)}`);
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return String(value);
  }
}
