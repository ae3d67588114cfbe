import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { AccessControl, OPEN_GUARD } from './auth/access-control';
import { DEFAULT_USERS, UserAccount, UserDirectory } from './auth/users';
import { backupService } from './grpc/backup.grpc-service';
import { gossipService } from './grpc/gossip.grpc-service';
import { serverFeaturesService } from './grpc/server-features.grpc-service';
import { streamsService } from './grpc/streams.grpc-service';
import { StreamingCalls } from './grpc/streaming-calls';
import { Front, listenFront } from './front';
import {
  DataDirInUseError,
  awaitPublishedOwner,
  publishOwner,
  removeStaleOwner,
  unpublishOwner,
} from './storage/data-dir.claim';
import { LogLockedError, SqliteEventLog, SqliteEventLogOptions } from './storage/sqlite-event-log';

export interface EventStoreServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Directory of the SQLite file (default ./data/eventstore). */
  dataDir?: string;
  /** In-memory SQLite: nothing survives close(). */
  memory?: boolean;
  /**
   * PEM files. `caFile` (optional) names the CA the connection string tells clients to trust; without it
   * `certFile` is named, which works for a self-signed certificate or a chain file that ends in its root.
   */
  tls?: { certFile: string; keyFile: string; caFile?: string };
  /** Bytes per write (default 1 MiB, as the real server). */
  maxAppendSize?: number;
  /** `full` (default): appends are acknowledged once synced to disk. `normal`: the old, faster mode. */
  synchronous?: 'full' | 'normal';
  /** The WAL's sync on the event loop: for a server in a process of its own (see SqliteEventLogOptions). */
  syncOnEventLoop?: boolean;
  /** The real server's PrepareTimeoutMs and CommitTimeoutMs (see SqliteEventLogOptions); none by default. */
  prepareTimeoutMs?: number;
  commitTimeoutMs?: number;
  /** How often they are checked (default once a second, as the real server); tests make it short. */
  timeoutTickMs?: number;
  /**
   * The users a TLS-mode server authenticates (default: `admin` in `$admins` and `ops` in `$ops`, password
   * `changeit`, as a fresh EventStoreDB node). Without TLS there is no authentication, as on an insecure node.
   */
  users?: readonly UserAccount[];
}

export interface RunningEventStoreServer {
  readonly host: string;
  readonly port: number;
  /** esdb://host:port?tls=false, or tls=true&tlsVerifyCert=false&tlsCAFile=… when TLS. */
  readonly connectionString: string;
  /** Write transactions committed so far: a group commit of many appends counts once. */
  readonly writeTransactions: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Starts the embedded EventStoreDB-compatible gRPC server over SQLite. */
export async function startEventStoreServer(
  options: EventStoreServerOptions = {},
): Promise<RunningEventStoreServer> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.memory ? undefined : (options.dataDir ?? './data/eventstore');
  const log = await openLog({
    dataDir,
    memory: options.memory,
    synchronous: options.synchronous,
    syncOnEventLoop: options.syncOnEventLoop,
    prepareTimeoutMs: options.prepareTimeoutMs,
    commitTimeoutMs: options.commitTimeoutMs,
    timeoutTickMs: options.timeoutTickMs,
  });
  if (dataDir) removeStaleOwner(dataDir);
  const tls = options.tls && {
    cert: readFileSync(options.tls.certFile),
    key: readFileSync(options.tls.keyFile),
    ca: options.tls.caFile ? readFileSync(options.tls.caFile) : undefined,
  };
  // Bodies of up to the append limit plus framing, and the client's 3 MiB batch chunks.
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  const maxMessage = Math.max(16 * 1024 * 1024, maxAppendSize * 2);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessage,
    'grpc.max_send_message_length': maxMessage,
  });
  let boundPort = options.port ?? 0;
  const guard = options.tls
    ? new AccessControl(log, new UserDirectory(options.users ?? DEFAULT_USERS))
    : OPEN_GUARD;
  const calls = new StreamingCalls();
  const hosted = [
    streamsService(log, maxAppendSize, guard, calls),
    gossipService(() => ({ host, port: boundPort })),
  ];
  for (const service of hosted) server.addService(...service);
  server.addService(...serverFeaturesService(hosted.map(([definition]) => definition)));
  // The tracker's own service (not EventStoreDB's, so not among the features): a copy of an on-disk log.
  if (dataDir) server.addService(...backupService(log, dataDir, guard));

  // TLS ends in front of grpc-js (see listenFront), which is handed the connections that speak HTTP/2.
  const grpcConnections = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let front: Front;
  try {
    front = await listenFront({
      host,
      port: options.port ?? 0,
      tls,
      grpc: (connection) => grpcConnections.injectConnection(connection),
    });
    boundPort = front.port;
  } catch (error) {
    log.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const connectionString = options.tls
    ? // v6.2.1 ignores tlsVerifyCert=false, so the string also names a file the client can trust.
      `esdb://${formatHost(host)}:${boundPort}?tls=true&tlsVerifyCert=false&tlsCAFile=${encodeURIComponent(options.tls.caFile ?? options.tls.certFile)}`
    : `esdb://${formatHost(host)}:${boundPort}?tls=false`;
  if (dataDir) publishOwner(dataDir, { pid: process.pid, host, port: boundPort, connectionString });
  return {
    host,
    port: boundPort,
    connectionString,
    get writeTransactions() {
      return log.transactions;
    },
    close() {
      closing ??= (async () => {
        // Live subscriptions never end by themselves, so waiting for calls to finish would never end. As a
        // stopping node: reads, subscriptions and BatchAppend streams are cancelled, a classic Append still
        // arriving is refused (StreamingCalls), then the connections are dropped (appends are synchronous,
        // none is half-written), then the database is closed.
        await calls.resetAll();
        log.signal.close();
        front.close();
        server.forceShutdown();
        await new Promise((resolve) => setImmediate(resolve));
        log.close();
        if (dataDir) unpublishOwner(dataDir);
      })();
      return closing;
    },
  };
}

/** How long a start waits for the lock of a process that is dying (a SIGKILL takes a moment to release it). */
const LOCK_WAIT_MS = 2_000;

/**
 * Opens the log, waiting (without blocking the event loop) while another process holds its lock; a lock
 * still held after LOCK_WAIT_MS belongs to a live owner, named from the address it published.
 */
async function openLog(
  options: Pick<
    SqliteEventLogOptions,
    | 'dataDir'
    | 'memory'
    | 'synchronous'
    | 'syncOnEventLoop'
    | 'prepareTimeoutMs'
    | 'commitTimeoutMs'
    | 'timeoutTickMs'
  >,
) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return new SqliteEventLog({ ...options, lockTimeoutMs: 0 });
    } catch (error) {
      if (!(error instanceof LogLockedError) || !options.dataDir) throw error;
      if (Date.now() > deadline)
        throw new DataDirInUseError(options.dataDir, await awaitPublishedOwner(options.dataDir));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/**
 * Without TLS nobody is authenticated: on anything but loopback every machine that reaches the port can
 * append, delete and tombstone. Returns the warning to print, if any.
 */
export function insecureExposureWarning(
  options: Pick<EventStoreServerOptions, 'host' | 'tls'>,
): string | undefined {
  const host = options.host ?? '127.0.0.1';
  if (options.tls || LOOPBACK.test(host)) return undefined;
  return (
    `WARNING: listening on ${host} without TLS: there is no authentication, so anyone who can reach this ` +
    'port can read, append, delete and tombstone every stream. Use --tls-cert/--tls-key (users and ACLs then ' +
    'apply) or --host 127.0.0.1.'
  );
}

const formatHost = (host: string): string =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
