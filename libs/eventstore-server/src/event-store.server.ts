import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { backupService } from './grpc/backup.grpc-service';
import { gossipService } from './grpc/gossip.grpc-service';
import { serverFeaturesService } from './grpc/server-features.grpc-service';
import { streamsService } from './grpc/streams.grpc-service';
import { claimDataDir } from './storage/data-dir.claim';
import { SqliteEventLog } from './storage/sqlite-event-log';

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
}

export interface RunningEventStoreServer {
  readonly host: string;
  readonly port: number;
  /** esdb://host:port?tls=false, or tls=true&tlsVerifyCert=false&tlsCAFile=… when TLS. */
  readonly connectionString: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Starts the embedded EventStoreDB-compatible gRPC server over SQLite. */
export async function startEventStoreServer(
  options: EventStoreServerOptions = {},
): Promise<RunningEventStoreServer> {
  const host = options.host ?? '127.0.0.1';
  const claim = options.memory || !options.dataDir ? undefined : await claimDataDir(options.dataDir);
  let log: SqliteEventLog;
  try {
    log = new SqliteEventLog({ dataDir: options.dataDir, memory: options.memory });
  } catch (error) {
    claim?.release();
    throw error;
  }
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        null,
        [{ cert_chain: readFileSync(options.tls.certFile), private_key: readFileSync(options.tls.keyFile) }],
        false,
      )
    : grpc.ServerCredentials.createInsecure();
  // Bodies of up to the append limit plus framing, and the client's 3 MiB batch chunks.
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  const maxMessage = Math.max(16 * 1024 * 1024, maxAppendSize * 2);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessage,
    'grpc.max_send_message_length': maxMessage,
  });
  let boundPort = options.port ?? 0;
  server.addService(...streamsService(log, maxAppendSize));
  server.addService(...serverFeaturesService());
  server.addService(...gossipService(() => ({ host, port: boundPort })));
  if (options.dataDir && !options.memory) server.addService(...backupService(log, options.dataDir));

  try {
    boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${formatHost(host)}:${options.port ?? 0}`, credentials, (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
  } catch (error) {
    log.close();
    claim?.release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const connectionString = options.tls
    ? // v6.2.1 ignores tlsVerifyCert=false, so the string also names a file the client can trust.
      `esdb://${formatHost(host)}:${boundPort}?tls=true&tlsVerifyCert=false&tlsCAFile=${encodeURIComponent(options.tls.caFile ?? options.tls.certFile)}`
    : `esdb://${formatHost(host)}:${boundPort}?tls=false`;
  claim?.publish({ pid: process.pid, host, port: boundPort, connectionString });
  return {
    host,
    port: boundPort,
    connectionString,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Live subscriptions never end by themselves, so waiting for calls to finish would never end:
        // cancel every call (appends are synchronous, none is half-written), then close the database.
        log.signal.close();
        server.forceShutdown();
        setImmediate(() => {
          log.close();
          claim?.release();
          resolve();
        });
      });
      return closing;
    },
  };
}

const formatHost = (host: string): string =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
