export { CATALOGUE_ERROR_KINDS, catalogueError, type CatalogueErrorCode } from './catalogue.errors';
export * from './unit.decider';
export * from './procedure.decider';
export * from './calendar-year.decider';
