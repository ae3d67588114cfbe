export * from './publication.decider';
export * from './publication-facts';
