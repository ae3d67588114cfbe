export * from './log-identity';
export * from './log-bound-generation';
export * from './log-bound-generation';
