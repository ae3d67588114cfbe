export * from './eventstore/test-event-store';
