import { parseArgs } from 'node:util';
import {
  EventStoreServerOptions,
  insecureExposureWarning,
  loadUsersFile,
  startEventStoreServer,
} from '@tracker/eventstore-server';

/**
 * The embedded event store as a standalone process:
 *   npm run eventstore -- --port <port> [--host 127.0.0.1] [--data <dir> | --memory]
 *     [--tls-cert <f> --tls-key <f> [--tls-ca <f>] [--users-file <users.json>]] [--synchronous full|normal]
 *     [--max-append-size <bytes>] [--prepare-timeout-ms <ms>] [--commit-timeout-ms <ms>]
 * The last three may also come from the environment under the real server's names (EVENTSTORE_MAX_APPEND_SIZE,
 * EVENTSTORE_PREPARE_TIMEOUT_MS, EVENTSTORE_COMMIT_TIMEOUT_MS), as a node's configuration does; a flag wins.
 * Prints one JSON line `{"event":"listening","host":…,"port":…}` when ready; SIGTERM/SIGINT close it.
 * With TLS, calls need credentials (default users admin and ops, password changeit; `--users-file` replaces
 * them); without TLS there is no authentication, and a non-loopback --host gets a warning on stderr.
 */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = {}): EventStoreServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'max-append-size': { type: 'string' },
      'prepare-timeout-ms': { type: 'string' },
      'commit-timeout-ms': { type: 'string' },
      'users-file': { type: 'string' },
      synchronous: { type: 'string' },
    },
    strict: true,
  });
  if (values.data !== undefined && values.memory) throw new Error('--data and --memory exclude each other');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  const port = values.port === undefined ? 2113 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port}`);
  // A process of its own: nothing else waits on its event loop while the WAL syncs.
  const options: EventStoreServerOptions = { host: values.host ?? '127.0.0.1', port, syncOnEventLoop: true };
  if (values.memory) options.memory = true;
  else options.dataDir = values.data ?? './data/eventstore';
  if (values['tls-cert'] && values['tls-key']) {
    options.tls = { certFile: values['tls-cert'], keyFile: values['tls-key'] };
    if (values['tls-ca']) options.tls.caFile = values['tls-ca'];
  }
  if (values['users-file'] !== undefined) {
    if (!options.tls)
      throw new Error('--users-file needs TLS (--tls-cert and --tls-key): without it nobody logs in');
    options.users = loadUsersFile(values['users-file']);
  }
  if (values.synchronous !== undefined) {
    if (values.synchronous !== 'full' && values.synchronous !== 'normal') {
      throw new Error(`invalid --synchronous: ${values.synchronous} (full or normal)`);
    }
    options.synchronous = values.synchronous;
  }
  const positive = (flag: 'max-append-size' | 'prepare-timeout-ms' | 'commit-timeout-ms') => {
    const name = `EVENTSTORE_${flag.toUpperCase().replaceAll('-', '_')}`;
    const text = values[flag] ?? env[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`invalid ${values[flag] === undefined ? name : `--${flag}`}: ${text}`);
    }
    return value;
  };
  const maxAppendSize = positive('max-append-size');
  if (maxAppendSize !== undefined) options.maxAppendSize = maxAppendSize;
  const prepareTimeoutMs = positive('prepare-timeout-ms');
  if (prepareTimeoutMs !== undefined) options.prepareTimeoutMs = prepareTimeoutMs;
  const commitTimeoutMs = positive('commit-timeout-ms');
  if (commitTimeoutMs !== undefined) options.commitTimeoutMs = commitTimeoutMs;
  return options;
}

async function main(): Promise<void> {
  let options: EventStoreServerOptions;
  try {
    options = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const warning = insecureExposureWarning(options);
  if (warning) process.stderr.write(`${warning}\n`);
  const server = await startEventStoreServer(options);
  process.stdout.write(`${JSON.stringify({ event: 'listening', host: server.host, port: server.port })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(0);
    stopping = true;
    // Within seconds whatever its clients do (a subscription that does not let go).
    setTimeout(() => process.exit(0), 8_000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
