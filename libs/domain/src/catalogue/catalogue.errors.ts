// Refusals of the reference streams (units, procedures, calendar years). Kinds map to HTTP as for dossiers.
import { domainErrors } from '../core/domain-errors';
import type { DomainErrorKind } from '../core/event-sourcing.types';

export const CATALOGUE_ERROR_KINDS = {
  MISSING_FIELD: 'rule',
  INVALID_LEVEL: 'rule',
  UNIT_OWN_PARENT: 'rule',
  INVALID_TIME_LIMIT: 'rule',
  INVALID_ONLINE_LEVEL: 'rule',
  NO_UNITS: 'rule',
  INVALID_INSTANT: 'rule',
  INVALID_DATE: 'rule',
  DATE_NOT_IN_YEAR: 'rule',
  DATE_BOTH_HOLIDAY_AND_WORKING: 'rule',
  INVALID_YEAR: 'rule',
} as const satisfies Record<string, DomainErrorKind>;

export type CatalogueErrorCode = keyof typeof CATALOGUE_ERROR_KINDS;

/** The refusal of a code, with its kind; and MISSING_FIELD unless a value is a non-blank string. */
export const { error: catalogueError, requireText: requireText } = domainErrors(CATALOGUE_ERROR_KINDS);

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const requireInstant = (value: unknown, field: string): number => {
  const ms = typeof value === 'string' && ISO_WITH_OFFSET.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms))
    throw catalogueError('INVALID_INSTANT', `${field} must be an ISO-8601 instant with an offset`, { field });
  return ms;
};

/** Order-insensitive deep equality of JSON facts (PUT semantics: same facts decide nothing). */
export const sameJson = (a: unknown, b: unknown): boolean => {
  const stable = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(
            Object.entries(x as Record<string, unknown>).sort(([p], [q]) => p.localeCompare(q)),
          )
        : x,
    );
  return stable(a) === stable(b);
};
