export { startEventStoreServer, DEFAULT_MAX_APPEND_SIZE } from './event-store.server';
export type { EventStoreServerOptions, RunningEventStoreServer } from './event-store.server';
export { SqliteEventLog } from './storage/sqlite-event-log';
export type { SqliteEventLogOptions } from './storage/sqlite-event-log';
export * from './storage/event-log.types';
export * from './storage/data-dir.claim';
