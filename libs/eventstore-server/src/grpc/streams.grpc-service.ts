import * as grpc from '@grpc/grpc-js';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { createAppendHandler } from './append.handler';
import { createBatchAppendHandler } from './batch-append.handler';
import { createDeleteHandler, createTombstoneHandler } from './delete.handler';
import { streamsGrpc } from './protocol';
import { createReadHandler } from './read.handler';

/** `event_store.client.streams.Streams`: every method the v6 client uses. */
export function streamsService(
  log: SqliteEventLog,
  maxAppendSize: number,
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const impl = {
    read: createReadHandler(log),
    append: createAppendHandler(log, maxAppendSize),
    batchAppend: createBatchAppendHandler(log, maxAppendSize),
    delete: createDeleteHandler(log),
    tombstone: createTombstoneHandler(log),
  };
  return [
    streamsGrpc.StreamsService as unknown as grpc.ServiceDefinition,
    impl as grpc.UntypedServiceImplementation,
  ];
}
