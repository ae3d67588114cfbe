export * from './dossier-facts';
export * from './periods';
export * from './scoring-method';
export * from './scorecard.types';
export * from './scorecard';
