import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError } from '@tracker/domain';
import { ExpectedRevisionConflict } from '@tracker/application';
import { isUnavailableError } from '@tracker/infrastructure';
import type { Response } from 'express';
import { IdempotentReplay } from './api-error';
import { errorBody } from './error-body';

const statusOfKind = { conflict: 409, rule: 422, 'not-found': 404, forbidden: 403 } as const;

const codeOfStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
};

/** Every error leaves as PRODUCT.md's error body; never a stack trace, never a 500 for bad input. */
@Catch()
export class TrackerErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.answer(host.switchToHttp().getResponse<Response>(), exception);
  }

  /** Answers `exception` on `res` (also used where a failure comes after Nest's handling, see IdempotencyGuard). */
  answer(res: Response, exception: unknown): void {
    if (exception instanceof IdempotentReplay) {
      // The first answer, as Nest wrote it (an empty body with send, an object as JSON).
      const { status, body } = exception.answer;
      if (res.headersSent) return;
      res.status(status);
      if (body === undefined || body === null) res.send();
      else if (typeof body === 'object') res.json(body);
      else res.send(String(body));
      return;
    }
    const [status, body] = this.translate(exception);
    if (status === 503) {
      this.logger.warn(`503: ${exception instanceof Error ? exception.message : String(exception)}`);
      // Nothing was decided, or what was is recorded under the request's Idempotency-Key: retrying is safe.
      if (!res.headersSent) res.setHeader('Retry-After', '1');
    } else if (status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (!res.headersSent) res.status(status).json(body);
  }

  private translate(exception: unknown): [number, unknown] {
    if (exception instanceof DomainError) {
      return [statusOfKind[exception.kind], errorBody(exception.code, exception.message, exception.details)];
    }
    if (exception instanceof ExpectedRevisionConflict) {
      return [409, errorBody('CONCURRENT_CHANGE', 'the dossier changed at the same time; retry')];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'error' in response) {
        const inner = (response as { error: unknown }).error;
        if (typeof inner === 'object' && inner !== null && 'code' in inner) return [status, response];
      }
      // Body-parser errors (malformed JSON, too large) and Nest's own exceptions.
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? String((response as { message: unknown }).message)
          : exception.message;
      // Nest turns body-parser's SyntaxError into a bare 400 carrying the parser's message.
      if (status === 400 && /JSON/.test(message)) {
        return [status, errorBody('MALFORMED_JSON', 'request body is not valid JSON')];
      }
      return [status, errorBody(codeOfStatus[status] ?? `HTTP_${status}`, message)];
    }
    if (isUnavailableError(exception)) {
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        errorBody('SERVICE_UNAVAILABLE', 'the event store or Redis is not answering; retry shortly'),
      ];
    }
    const typed = exception as { status?: number; type?: string; message?: string };
    if (typeof typed?.status === 'number' && typed.status >= 400 && typed.status < 500) {
      // express body-parser errors carry a status and a type ('entity.parse.failed', 'entity.too.large').
      const code =
        typed.type === 'entity.parse.failed'
          ? 'MALFORMED_JSON'
          : (codeOfStatus[typed.status] ?? 'BAD_REQUEST');
      return [
        typed.status,
        errorBody(
          code,
          typed.type === 'entity.parse.failed'
            ? 'request body is not valid JSON'
            : (typed.message ?? 'bad request'),
        ),
      ];
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, errorBody('INTERNAL', 'internal error')];
  }
}
