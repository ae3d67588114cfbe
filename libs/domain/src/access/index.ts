export * from './access.policy';
