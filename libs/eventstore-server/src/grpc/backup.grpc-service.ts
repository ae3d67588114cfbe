import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Guard } from '../auth/access-control';
import type { SqliteEventLog } from '../storage/sqlite-event-log';
import { settleCopy } from '../storage/log-file';
import { accessDeniedError, notAuthenticatedError } from './protocol';

/**
 * Not part of EventStoreDB's protocol: the tracker's own request to the server that owns a data directory
 * for a consistent copy of its log (`npm run backup`, the nightly backup), so nothing but the owner ever
 * opens the SQLite file while it serves. The copy is written under the data directory (a caller never names
 * a path on the server); the caller, on the same machine, moves it where it wants. In secure (TLS) mode only
 * an authenticated `$admins` user may ask, with basic credentials in the call metadata as for the streams.
 */
export const BACKUP_STAGING_DIR = 'backup-staging';

export type BackupReply = Readonly<{ file: string; bytes: number }>;

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value ?? {})),
  deserialize: (bytes: Buffer) => (bytes.length ? (JSON.parse(bytes.toString('utf8')) as unknown) : {}),
};

const definition: grpc.ServiceDefinition = {
  take: {
    path: '/tracker.eventstore.Backup/Take',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

/** Copies left over by a caller that died before moving them: gone after a day. */
const STALE_MS = 24 * 3600 * 1000;

export function backupService(
  log: SqliteEventLog,
  dataDir: string,
  guard: Guard,
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const staging = join(dataDir, BACKUP_STAGING_DIR);
  let running: Promise<unknown> = Promise.resolve();
  const take = async (): Promise<BackupReply> => {
    mkdirSync(staging, { recursive: true });
    for (const name of readdirSync(staging)) {
      const path = join(staging, name);
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    }
    const file = join(staging, `${randomUUID()}.sqlite`);
    await log.backup(file);
    settleCopy(file);
    return { file, bytes: statSync(file).size };
  };
  const impl = {
    take(call: grpc.ServerUnaryCall<unknown, BackupReply>, callback: grpc.sendUnaryData<BackupReply>) {
      const caller = guard.caller(call);
      if (!caller) return callback(notAuthenticatedError());
      if (!guard.administers(caller)) return callback(accessDeniedError());
      // One copy at a time.
      const next = running.then(take, take);
      running = next.catch(() => undefined);
      next.then(
        (reply) => callback(null, reply),
        (error: Error) => callback({ code: grpc.status.INTERNAL, details: error.message }),
      );
    },
  };
  return [definition, impl as grpc.UntypedServiceImplementation];
}

/** Asks the server at `connectionString` (esdb://host:port?tls=…) for a copy of its log. */
export async function requestBackup(connectionString: string, timeoutMs = 3_600_000): Promise<BackupReply> {
  const url = new URL(connectionString.replace(/^[a-z+]+:\/\//, 'http://'));
  const tls = url.searchParams.get('tls') !== 'false';
  const caFile = url.searchParams.get('tlsCAFile');
  const credentials = tls
    ? grpc.credentials.createSsl(caFile ? readFileSync(caFile) : null, null, null, {
        checkServerIdentity: () => undefined,
      })
    : grpc.credentials.createInsecure();
  // A secure node wants an admin's credentials (esdb://user:pass@…), sent as the streams' clients send them.
  const metadata = new grpc.Metadata();
  if (url.username) {
    const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    metadata.set('authorization', `Basic ${Buffer.from(basic).toString('base64')}`);
  }
  const Client = grpc.makeGenericClientConstructor(definition, 'Backup');
  const client = new Client(`${url.hostname}:${url.port}`, credentials) as unknown as grpc.Client & {
    take(
      request: unknown,
      metadata: grpc.Metadata,
      options: grpc.CallOptions,
      callback: (error: grpc.ServiceError | null, reply?: BackupReply) => void,
    ): void;
  };
  try {
    return await new Promise<BackupReply>((resolve, reject) =>
      client.take({}, metadata, { deadline: Date.now() + timeoutMs }, (error, reply) =>
        error
          ? reject(new Error(`backup request failed: ${error.details || error.message}`))
          : resolve(reply!),
      ),
    );
  } finally {
    client.close();
  }
}
