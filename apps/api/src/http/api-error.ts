import { HttpException } from '@nestjs/common';
import { errorBody } from './error-body';

/** An HTTP refusal with the tracker's error body. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(errorBody(code, message, details), status);
  }
}
