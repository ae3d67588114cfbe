export * from './core/event-sourcing.types';
export * from './calendar';
