import * as grpc from '@grpc/grpc-js';
import { Guard } from '../auth/access-control';
import { SqliteEventLog } from '../storage/sqlite-event-log';
import { createAppendHandler } from './append.handler';
import { createBatchAppendHandler } from './batch-append.handler';
import { createDeleteHandler, createTombstoneHandler } from './delete.handler';
import { streamsGrpc } from './protocol';
import { createReadHandler } from './read.handler';
import { StreamingCalls } from './streaming-calls';

/** `event_store.client.streams.Streams`: every method the v6 client uses. */
export function streamsService(
  log: SqliteEventLog,
  maxAppendSize: number,
  guard: Guard,
  calls: StreamingCalls,
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const impl = {
    read: createReadHandler(log, guard, calls),
    append: createAppendHandler(log, maxAppendSize, guard, calls),
    batchAppend: createBatchAppendHandler(log, maxAppendSize, guard, calls),
    delete: createDeleteHandler(log, guard),
    tombstone: createTombstoneHandler(log, guard),
  };
  return [
    streamsGrpc.StreamsService as unknown as grpc.ServiceDefinition,
    impl as grpc.UntypedServiceImplementation,
  ];
}
