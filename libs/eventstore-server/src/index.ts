export {
  startEventStoreServer,
  DEFAULT_MAX_APPEND_SIZE,
  insecureExposureWarning,
} from './event-store.server';
export { DEFAULT_USERS, loadUsersFile } from './auth/users';
export type { UserAccount } from './auth/users';
export type { EventStoreServerOptions, RunningEventStoreServer } from './event-store.server';
export { SqliteEventLog, LogLockedError } from './storage/sqlite-event-log';
export type { SqliteEventLogOptions } from './storage/sqlite-event-log';
export * from './storage/event-log.types';
export * from './storage/data-dir.claim';
export { describeLogFile, LOG_FILE } from './storage/log-file';
export type { LogFileSummary } from './storage/log-file';
export { requestBackup, BACKUP_STAGING_DIR } from './grpc/backup.grpc-service';
export type { BackupReply } from './grpc/backup.grpc-service';
