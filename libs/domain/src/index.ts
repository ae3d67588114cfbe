export * from './core/event-sourcing.types';
export * from './calendar';
export * from './dossier';
export * from './catalogue';
export * from './scoring';
export * from './deadlines';
export * from './portal/dvcqg';
export * from './access';
