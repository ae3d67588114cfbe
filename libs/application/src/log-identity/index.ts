export * from './log-identity';
export * from './log-bound-generation';
