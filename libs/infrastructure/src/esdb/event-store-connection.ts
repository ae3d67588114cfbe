import { Logger } from '@nestjs/common';
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import {
  DataDirInUseError,
  RunningEventStoreServer,
  startEventStoreServer,
} from '@tracker/eventstore-server';

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

/**
 * One code path: with a connection string, connect to it (EventStoreDB/KurrentDB); without one, use the
 * embedded server on loopback through the same client. Only one process owns a data directory's SQLite log
 * (an exclusive lock on it; the owner publishes its address in `server.json`): when another live process
 * already serves it (`start:worker` beside `start:api`, `projections:rebuild`, a standalone `npm run
 * eventstore`), connect to that one. A connection string may carry credentials (`esdb://user:pass@…`), which a
 * secure (TLS) node requires.
 */
export async function connectEventStore(options: {
  connectionString?: string;
  dataDir: string;
}): Promise<EventStoreConnection> {
  let embedded: RunningEventStoreServer | undefined;
  let connectionString = options.connectionString;
  if (!connectionString) {
    try {
      embedded = await startEventStoreServer({ host: '127.0.0.1', port: 0, dataDir: options.dataDir });
      connectionString = embedded.connectionString;
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      connectionString = error.owner.connectionString;
    }
  }
  const client = EventStoreDBClient.connectionString(connectionString);
  let closed = false;
  const connection: EventStoreConnection = {
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
      closed = true;
      await client.dispose();
      await embedded?.close();
    },
  };
  if (!embedded) void reportUntilAnswering(connection, () => closed);
  return connection;
}

/**
 * Start-up against a store that is not there would wait in silence (the client retries quietly): say so in
 * one line, with the address (no credentials) and what to do, and once more when it answers.
 */
async function reportUntilAnswering(connection: EventStoreConnection, closed: () => boolean): Promise<void> {
  const logger = new Logger('eventstore');
  const address = connection.connectionString.replace(/\/\/[^@/]*@/, '//');
  let reported = false;
  for (let pause = 500; !closed(); pause = Math.min(pause * 2, 10_000)) {
    try {
      await connection.headPosition();
      if (reported) logger.log(`event store at ${address} answering`);
      return;
    } catch (error) {
      if (closed()) return;
      if (!reported) {
        const why = (error as { type?: string }).type ?? 'no answer';
        logger.warn(
          `event store at ${address} is not answering (${why}): start it (npm run eventstore) or check ` +
            'EVENTSTORE_CONNECTION_STRING; retrying with backoff',
        );
        reported = true;
      }
    }
    await new Promise((r) => setTimeout(r, pause).unref());
  }
}
