export * from './esdb/esdb-event-store.adapter';
export * from './esdb/event-store-connection';
export * from './config/environment';
export * from './clock/system-clock.adapter';
export * from './auth/tokens-file';
export * from './redis/redis-idempotency.store';
export * from './infrastructure.module';
export * from './esdb/esdb-event-feed.adapter';
