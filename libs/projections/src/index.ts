export * from './subscription.runner';
export * from './shared-event-feed';
export * from './projection.sink';
export * from './projection.worker';
export * from './rebuild-projection';
export * from './deadlines.runtime';
export * from './worker.module';
export * from './portal-sync.runtime';
