import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Written beside the SQLite log once a process serves it: where to reach the owner. It only publishes the
 * address; ownership itself is the log's exclusive lock (SqliteEventLog), which the kernel drops when the
 * owner dies, so a stale file (a crash, a reused pid after a reboot) never keeps a directory claimed.
 */
export const SERVER_FILE = 'server.json';

export type DataDirOwner = Readonly<{ pid: number; host: string; port: number; connectionString: string }>;

/** Another live process serves this data directory: connect to it instead. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner,
  ) {
    super(
      owner.pid > 0
        ? `${dataDir} is served by process ${owner.pid} at ${owner.host}:${owner.port}`
        : `${dataDir} is locked by another process, which publishes no address (a tool holding the log?)`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Publishes the owner's address (atomically: readers never see half a file), overwriting a stale one. */
export function publishOwner(dataDir: string, owner: DataDirOwner): void {
  const file = join(dataDir, SERVER_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(owner));
  renameSync(temporary, file);
}

/** Right after taking the lock: whatever address is there names a dead owner. */
export function removeStaleOwner(dataDir: string): void {
  try {
    unlinkSync(join(dataDir, SERVER_FILE));
  } catch {
    /* none */
  }
}

/** On a clean shutdown: removes the address if it is still ours. */
export function unpublishOwner(dataDir: string): void {
  const file = join(dataDir, SERVER_FILE);
  if (readOwner(file)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/**
 * The address the lock holder published. Called only after the lock was refused, so the owner is alive;
 * it may still be starting, so this waits a little for the file.
 */
export async function awaitPublishedOwner(dataDir: string, timeoutMs = 5_000): Promise<DataDirOwner> {
  const file = join(dataDir, SERVER_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const owner = readOwner(file);
    if (owner || Date.now() > deadline) {
      return owner ?? { pid: 0, host: '', port: 0, connectionString: '' };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readOwner(file: string): DataDirOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as DataDirOwner;
    return typeof parsed.pid === 'number' && typeof parsed.connectionString === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
