export {
  startEventStoreServer,
  DEFAULT_MAX_APPEND_SIZE,
  insecureExposureWarning,
} from './event-store.server';
export { DEFAULT_USERS, loadUsersFile } from './auth/users';
export type { UserAccount } from './auth/users';
export type { EventStoreServerOptions, RunningEventStoreServer } from './event-store.server';
export { SqliteEventLog } from './storage/sqlite-event-log';
export type { SqliteEventLogOptions } from './storage/sqlite-event-log';
export * from './storage/event-log.types';
export * from './storage/data-dir.claim';
