import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { RunningEventStoreServer, startEventStoreServer } from '@tracker/eventstore-server';

/** A client, and the embedded server behind it when no external EventStoreDB was configured. */
export type EventStoreConnection = Readonly<{
  client: EventStoreDBClient;
  connectionString: string;
  /** The embedded server this process started (and owns), if it did. */
  embedded?: RunningEventStoreServer;
  /** Commit position of the last event in `$all` (0n for an empty store): the head projections chase. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}>;

/** Written beside the embedded store's data while a process serves it, so other processes find it. */
export const EMBEDDED_SERVER_FILE = 'server.json';

type ServerFile = { pid: number; host: string; port: number };

/**
 * One code path: with a connection string, connect to it (EventStoreDB/KurrentDB); without one, use the
 * embedded server on loopback through the same client. Only one process may own a data directory's SQLite
 * log: the first to start claims it (an exclusive `server.json` holding its pid and port) and serves it;
 * later ones (`start:worker` beside `start:api`, `projections:rebuild`) connect to that server instead of
 * opening the file a second time.
 */
export async function connectEventStore(options: {
  connectionString?: string;
  dataDir: string;
}): Promise<EventStoreConnection> {
  let embedded: RunningEventStoreServer | undefined;
  let release: (() => void) | undefined;
  let connectionString = options.connectionString;
  if (!connectionString) {
    const claim = await claimDataDir(options.dataDir);
    if (claim.owner) {
      try {
        embedded = await startEventStoreServer({ host: '127.0.0.1', port: 0, dataDir: options.dataDir });
      } catch (error) {
        claim.release();
        throw error;
      }
      claim.publish({ pid: process.pid, host: embedded.host, port: embedded.port });
      release = claim.release;
      connectionString = embedded.connectionString;
    } else {
      connectionString = `esdb://${claim.server.host}:${claim.server.port}?tls=false`;
    }
  }
  const client = EventStoreDBClient.connectionString(connectionString);
  return {
    client,
    connectionString,
    embedded,
    async headPosition() {
      // Read to the end (one event) rather than return from inside the loop: with client 6.2.1 an abandoned
      // read followed by a subscription on the same client makes dispose() hang.
      let head = 0n;
      for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        head = resolved.event?.position?.commit ?? resolved.commitPosition ?? 0n;
      }
      return head;
    },
    async close() {
      await client.dispose();
      await embedded?.close();
      release?.();
    },
  };
}

type Claim =
  { owner: true; publish(server: ServerFile): void; release(): void } | { owner: false; server: ServerFile };

async function claimDataDir(dataDir: string): Promise<Claim> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, EMBEDDED_SERVER_FILE);
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      return {
        owner: true,
        publish(server) {
          writeSync(fd, JSON.stringify(server));
          closeSync(fd);
        },
        release() {
          const current = readServerFile(file);
          if (current?.pid === process.pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const server = readServerFile(file);
    if (server && isAlive(server.pid)) return { owner: false, server };
    // Its owner died without cleaning up, or crashed before writing its port: take the directory over.
    if (server || Date.now() > deadline) {
      unlinkSync(file);
      continue;
    }
    await new Promise((r) => setTimeout(r, 50)); // the owner is starting: its port will be there in a moment
  }
}

function readServerFile(file: string): ServerFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ServerFile;
    return typeof parsed.pid === 'number' && typeof parsed.port === 'number' ? parsed : undefined;
  } catch {
    return undefined;
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
