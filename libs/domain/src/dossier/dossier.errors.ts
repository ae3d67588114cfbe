// Every refusal the dossier rules make, with its kind (conflict 409: the dossier's state does not allow the
// step; rule 422: a well-formed request the rules refuse; not-found 404; forbidden 403).
import { domainErrors } from '../core/domain-errors';
import { DomainError, type DomainErrorKind } from '../core/event-sourcing.types';

export const DOSSIER_ERROR_KINDS = {
  DOSSIER_NOT_FOUND: 'not-found',
  DOSSIER_ALREADY_RECEIVED: 'conflict',
  STEP_OUT_OF_ORDER: 'conflict',
  STEP_ALREADY_RECORDED: 'conflict',
  DOSSIER_FINISHED: 'conflict',
  SUPPLEMENT_ALREADY_OPEN: 'conflict',
  NO_OPEN_SUPPLEMENT: 'conflict',
  SUPPLEMENT_OPEN: 'conflict',
  RATING_BEFORE_RESULT: 'conflict',
  APOLOGY_ALREADY_ISSUED: 'conflict',
  APOLOGY_TOO_LATE: 'rule',
  APOLOGY_NOT_BY_SUPERVISOR: 'forbidden',
  STEP_NOT_BY_SUPERVISOR: 'forbidden',
  NEW_DUE_NOT_AFTER_DUE: 'rule',
  PAYMENT_WITHOUT_FEE: 'rule',
  TRANSFER_TO_SAME_UNIT: 'rule',
  OCCURRED_BEFORE_RECEIPT: 'rule',
  OCCURRED_IN_FUTURE: 'rule',
  RECEIVED_AT_MISMATCH: 'rule',
  DUE_NOT_AFTER_RECEIPT: 'rule',
  ONLINE_LEVEL_REQUIRED: 'rule',
  ONLINE_LEVEL_NOT_ALLOWED: 'rule',
  ONLINE_LEVEL_NOT_OFFERED: 'rule',
  INVALID_AMOUNT: 'rule',
  INVALID_INSTANT: 'rule',
  MISSING_FIELD: 'rule',
  SYSTEM_ONLY: 'forbidden',
  PUSH_ALREADY_RECORDED: 'conflict',
} as const satisfies Record<string, DomainErrorKind>;

export type DossierErrorCode = keyof typeof DOSSIER_ERROR_KINDS;

/** The refusal of a code, with its kind; and MISSING_FIELD unless a value is a non-blank string. */
export const { error: dossierError, requireText: requireDossierText } = domainErrors(DOSSIER_ERROR_KINDS);

export const isDossierError = (error: unknown, code?: DossierErrorCode): error is DomainError =>
  error instanceof DomainError && (code === undefined || error.code === code);
