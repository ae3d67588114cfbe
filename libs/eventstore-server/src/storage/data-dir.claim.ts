import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Written beside the SQLite log while a process serves it: who owns it and where to reach it. */
export const SERVER_FILE = 'server.json';

export type DataDirOwner = Readonly<{ pid: number; host: string; port: number; connectionString: string }>;

/** Another live process serves this data directory: connect to it instead. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner,
  ) {
    super(`${dataDir} is served by process ${owner.pid} at ${owner.host}:${owner.port}`);
    this.name = 'DataDirInUseError';
  }
}

export type DataDirClaim = Readonly<{ publish(owner: DataDirOwner): void; release(): void }>;

/**
 * One process owns a data directory's SQLite log (positions and caches assume a single writer). The owner
 * creates `server.json` exclusively and writes its pid and address once it listens; a dead owner's file is
 * taken over. Throws DataDirInUseError when a live process owns the directory.
 */
export async function claimDataDir(dataDir: string): Promise<DataDirClaim> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SERVER_FILE);
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      let open = true;
      return {
        publish(owner) {
          writeSync(fd, JSON.stringify(owner));
          closeSync(fd);
          open = false;
        },
        release() {
          if (open) closeSync(fd);
          open = false;
          if (readOwner(file)?.pid === process.pid || !readOwner(file)) unlinkQuietly(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner && isAlive(owner.pid)) throw new DataDirInUseError(dataDir, owner);
    // A dead owner's file, or one still being written by an owner that is starting (or crashed doing so).
    if (owner || Date.now() > deadline) unlinkQuietly(file);
    else await new Promise((r) => setTimeout(r, 50));
  }
}

/** The live process serving a data directory, if any. */
export function ownerOf(dataDir: string): DataDirOwner | undefined {
  const owner = readOwner(join(dataDir, SERVER_FILE));
  return owner && isAlive(owner.pid) ? owner : undefined;
}

function readOwner(file: string): DataDirOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as DataDirOwner;
    return typeof parsed.pid === 'number' && typeof parsed.connectionString === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
