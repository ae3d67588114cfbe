import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { RunningEventStoreServer, startEventStoreServer } from '@tracker/eventstore-server';

/** A client, and the embedded server behind it when no external EventStoreDB was configured. */
export type EventStoreConnection = Readonly<{
  client: EventStoreDBClient;
  connectionString: string;
  embedded?: RunningEventStoreServer;
  /** Commit position of the last event in `$all` (0n for an empty store): the head projections chase. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}>;

/**
 * One code path: with a connection string, connect to it (EventStoreDB/KurrentDB); without one, start the
 * embedded server on loopback and connect to it with the same client.
 */
export async function connectEventStore(options: {
  connectionString?: string;
  dataDir: string;
}): Promise<EventStoreConnection> {
  let embedded: RunningEventStoreServer | undefined;
  let connectionString = options.connectionString;
  if (!connectionString) {
    embedded = await startEventStoreServer({ host: '127.0.0.1', port: 0, dataDir: options.dataDir });
    connectionString = embedded.connectionString;
  }
  const client = EventStoreDBClient.connectionString(connectionString);
  return {
    client,
    connectionString,
    embedded,
    async headPosition() {
      for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        return resolved.event?.position?.commit ?? resolved.commitPosition ?? 0n;
      }
      return 0n;
    },
    async close() {
      await client.dispose();
      await embedded?.close();
    },
  };
}
