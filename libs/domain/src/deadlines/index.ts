export * from './deadline-ladder';
export * from './open-alerts';
