export * from './deadline-ladder';
