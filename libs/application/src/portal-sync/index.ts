export * from './portal-sync.ports';
export * from './portal-sync.projection';
export * from './portal-syncer';
export * from './portal-sync.reader';
