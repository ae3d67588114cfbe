export * from './core/event-sourcing.types';
