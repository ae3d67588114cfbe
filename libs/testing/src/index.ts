export * from './eventstore/test-event-store';
export * from './decider-specification';
export * from './net/stalling-proxy';
