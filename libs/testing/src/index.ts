export * from './eventstore/test-event-store';
export * from './decider-specification';
export * from './portal/fake-portal-gateway';
export * from './net/stalling-proxy';
