export * from './dossier-facts';
export * from './facts-table';
export * from './periods';
export * from './period-index';
export * from './feedback-table';
export * from './scoring-method';
export * from './scorecard.types';
export * from './scorecard';
