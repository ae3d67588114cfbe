export * from './projection';
export * from './apply-projection';
export * from './projection-store.port';
export * from './subscription.runner';
export * from './projection.sink';
