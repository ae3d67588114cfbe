import { HttpException } from '@nestjs/common';
import type { StoredResponse } from '@tracker/application';
import { errorBody } from './error-body';

/** An HTTP refusal with the tracker's error body. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(errorBody(code, message, details), status);
  }
}

/** The stored first answer to a repeated write (IdempotencyGuard): TrackerErrorFilter sends it as it was. */
export class IdempotentReplay {
  constructor(readonly answer: StoredResponse) {}
}
