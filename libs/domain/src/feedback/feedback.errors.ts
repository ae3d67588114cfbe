// Every refusal the feedback rules make, with its kind (conflict 409: the item's state does not allow the
// step; rule 422: a well-formed request the rules refuse; not-found 404; forbidden 403).
import { domainErrors } from '../core/domain-errors';
import type { DomainErrorKind } from '../core/event-sourcing.types';

export const FEEDBACK_ERROR_KINDS = {
  FEEDBACK_NOT_FOUND: 'not-found',
  FEEDBACK_ALREADY_RECEIVED: 'conflict',
  FEEDBACK_FINISHED: 'conflict',
  STEP_OUT_OF_ORDER: 'conflict',
  STEP_ALREADY_RECORDED: 'conflict',
  ALREADY_ANSWERED: 'conflict',
  INFORMATION_REQUEST_OPEN: 'conflict',
  NO_OPEN_INFORMATION_REQUEST: 'conflict',
  ANSWER_NOT_RECORDED: 'conflict',
  RATING_BEFORE_ANSWER: 'conflict',
  FORWARD_TO_SAME_UNIT: 'rule',
  REPEAT_OF_ITSELF: 'rule',
  OCCURRED_BEFORE_RECEIPT: 'rule',
  OCCURRED_IN_FUTURE: 'rule',
  RECEIVED_AT_MISMATCH: 'rule',
  MISSING_FIELD: 'rule',
  SYSTEM_ONLY: 'forbidden',
} as const satisfies Record<string, DomainErrorKind>;

export type FeedbackErrorCode = keyof typeof FEEDBACK_ERROR_KINDS;

/** The refusal of a code, with its kind; and MISSING_FIELD unless a value is a non-blank string. */
export const { error: feedbackError, requireText: requireFeedbackText } = domainErrors(FEEDBACK_ERROR_KINDS);
