export * from './projection';
export * from './apply-projection';
export * from './projection-store.port';
export * from './projection-skips';
export * from './dossier-list.projection';
export * from './dossier-facts.projection';
export * from './registry';
