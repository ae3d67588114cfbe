// What each family of refusals (dossier, feedback, catalogue) builds from its table of codes and kinds: its
// error factory, and the one rule of a required text field (MISSING_FIELD naming the field).
import { DomainError, type DomainErrorKind } from './event-sourcing.types';

export function domainErrors<K extends Readonly<{ MISSING_FIELD: DomainErrorKind }>>(kinds: K) {
  const error = (code: keyof K & string, message: string, details?: Record<string, unknown>): DomainError =>
    new DomainError(code, kinds[code] as DomainErrorKind, message, details);
  const requireText = (value: unknown, field: string): void => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw error('MISSING_FIELD', `${field} is required`, { field });
    }
  };
  return { error, requireText };
}
