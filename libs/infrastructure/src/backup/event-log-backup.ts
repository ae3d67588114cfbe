// Backups of the embedded event store's log (`npm run backup`, the nightly backup) and their restore
// (`npm run restore`). A backup is the SQLite copy the owning server makes (requestBackup) plus a manifest
// beside it, `<file>.manifest.json`; a restore checks both, keeps the replaced log aside and gives the
// restored log an identity of its own, so the read models are rebuilt from it at the next start.
import { LOG_IDENTITY_STREAM, LogIdentity } from '@tracker/application';
import {
  LOG_FILE,
  LogLockedError,
  SqliteEventLog,
  awaitPublishedOwner,
  describeLogFile,
  requestBackup,
} from '@tracker/eventstore-server';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EsdbEventFeed } from '../esdb/esdb-event-feed.adapter';
import { EsdbEventStore } from '../esdb/esdb-event-store.adapter';
import { connectEventStore } from '../esdb/event-store-connection';

export const MANIFEST_FORMAT = 'dossier-tracker/event-log-backup/1';

export type BackupManifest = Readonly<{
  format: typeof MANIFEST_FORMAT;
  /** The log's identity in the copy (null: a log no tracker process had started on yet). */
  logId: string | null;
  /** Position of the last record in the copy, as a decimal string. */
  lastPosition: string;
  /** Records in the copy (the event store's own system records included). */
  events: number;
  takenAt: string;
  /** The copy's file name (beside the manifest), its size and SHA-256. */
  file: string;
  bytes: number;
  sha256: string;
}>;

export const manifestPath = (file: string): string => `${file}.manifest.json`;

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function identityOf(summary: ReturnType<typeof describeLogFile>): string | null {
  const data = summary.lastEvent?.data as { logId?: unknown } | undefined;
  return typeof data?.logId === 'string' ? data.logId : null;
}

/** Moves a file, across file systems too; the target appears whole or not at all. */
async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const partial = `${to}.partial`;
    await copyFile(from, partial);
    await rename(partial, to);
    await unlink(from);
  }
}

export type TakeBackupOptions = Readonly<{
  /** EVENTSTORE_DATA_DIR of the embedded store. */
  dataDir: string;
  /** Where the copy goes; its manifest goes beside it. */
  file: string;
}>;

/**
 * A consistent copy of the embedded log, taken by the process that serves the data directory (the running
 * tracker or `npm run eventstore`); when none does, this process serves it for the time of the copy.
 */
export async function takeBackup(options: TakeBackupOptions): Promise<BackupManifest> {
  const target = resolve(options.file);
  await mkdir(dirname(target), { recursive: true });
  if (existsSync(target)) throw new Error(`${target} exists: name a new file`);
  // Connects to the process that serves the directory, or serves it for the time of the copy.
  const connection = await connectEventStore({ dataDir: options.dataDir });
  try {
    const takenAt = new Date().toISOString();
    const reply = await requestBackup(connection.connectionString);
    await moveInto(reply.file, target);
    const summary = describeLogFile(target, { lastEventOf: LOG_IDENTITY_STREAM });
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      logId: identityOf(summary),
      lastPosition: String(summary.lastPosition),
      events: summary.events,
      takenAt,
      file: basename(target),
      bytes: (await stat(target)).size,
      sha256: await sha256Of(target),
    };
    await writeFile(manifestPath(target), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await connection.close();
  }
}

/** Reads a backup's manifest and checks the copy against it: checksum, integrity, records, last position. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const path = resolve(file);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath(path), 'utf8')) as BackupManifest;
  } catch (error) {
    throw new Error(`no readable manifest ${manifestPath(path)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`${manifestPath(path)}: not a backup manifest`);
  const sha256 = await sha256Of(path);
  if (sha256 !== manifest.sha256) {
    throw new Error(`${path}: checksum ${sha256} differs from the manifest's ${manifest.sha256}`);
  }
  const summary = describeLogFile(path, { lastEventOf: LOG_IDENTITY_STREAM });
  const problems = [
    summary.events !== manifest.events && `${summary.events} records, the manifest says ${manifest.events}`,
    String(summary.lastPosition) !== manifest.lastPosition &&
      `last position ${summary.lastPosition}, the manifest says ${manifest.lastPosition}`,
    identityOf(summary) !== manifest.logId &&
      `log ${identityOf(summary)}, the manifest says ${manifest.logId}`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`);
  return manifest;
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

export type RestoreResult = Readonly<{
  manifest: BackupManifest;
  /** Where the replaced log (its files) was put; undefined when the data directory held none. */
  replacedAside?: string;
  /** The identity the restored log got, and the copy's. */
  logId: string;
  previousLogId: string | null;
}>;

/**
 * Puts a checked backup in place of the data directory's log, with the tracker stopped: the replaced log's
 * files go to `<dataDir>/replaced-<time>/` (never deleted), and the restored log records a new identity.
 */
export async function restoreBackup(options: { dataDir: string; file: string }): Promise<RestoreResult> {
  const manifest = await verifyBackup(options.file);
  // A process serving the directory holds the log's exclusive lock (SqliteEventLog): taking it for a moment
  // proves nobody does. A log too damaged to open is simply replaced (that is what a restore is for).
  if (existsSync(join(options.dataDir, LOG_FILE))) {
    try {
      new SqliteEventLog({ dataDir: options.dataDir }).close();
    } catch (error) {
      if (error instanceof LogLockedError) {
        const owner = await awaitPublishedOwner(options.dataDir, 1_000);
        throw new RestoreRefused(
          `the tracker is running: ${owner.pid > 0 ? `process ${owner.pid}` : 'another process'} serves ${options.dataDir}; stop it (and its worker) first`,
        );
      }
    }
  }
  await mkdir(options.dataDir, { recursive: true });
  // The copy is checked in place before the old log moves: the swap itself is a few renames.
  const incoming = join(options.dataDir, `${LOG_FILE}.restoring`);
  await copyFile(resolve(options.file), incoming);
  if ((await sha256Of(incoming)) !== manifest.sha256)
    throw new Error(`${incoming}: copy differs from the backup`);
  let replacedAside: string | undefined;
  const present = [LOG_FILE, `${LOG_FILE}-wal`, `${LOG_FILE}-shm`].filter((f) =>
    existsSync(join(options.dataDir, f)),
  );
  if (present.length) {
    replacedAside = join(options.dataDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(replacedAside);
    for (const f of present) await rename(join(options.dataDir, f), join(replacedAside, f));
  }
  await rename(incoming, join(options.dataDir, LOG_FILE));
  const connection = await connectEventStore({ dataDir: options.dataDir });
  try {
    const identity = new LogIdentity(
      new EsdbEventStore(connection.client),
      new EsdbEventFeed(connection.client),
    );
    const { logId, previousLogId } = await identity.recordRestore({
      file: resolve(options.file),
      takenAt: manifest.takenAt,
      lastPosition: manifest.lastPosition,
      events: manifest.events,
    });
    return { manifest, ...(replacedAside ? { replacedAside } : {}), logId, previousLogId };
  } finally {
    await connection.close();
  }
}

export const BACKUP_FILE = /^events-\d{8}-\d{6}\.sqlite$/;

/** `events-YYYYMMDD-HHmmss.sqlite` in UTC+7: names that sort by time. */
export function nightlyBackupName(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `events-${local.slice(0, 10).replace(/-/g, '')}-${local.slice(11, 19).replace(/:/g, '')}.sqlite`;
}

/** Deletes the oldest backups of `dir` (only files named as nightlyBackupName, with their manifests) past `keep`. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => BACKUP_FILE.test(n)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const name of old) {
    await unlink(join(dir, name));
    await unlink(manifestPath(join(dir, name))).catch(() => undefined);
  }
  return old;
}
