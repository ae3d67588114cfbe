import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { IDEMPOTENCY_STORE, IdempotencyStore } from '@tracker/application';
import { createHash } from 'node:crypto';
import { Observable, from, lastValueFrom } from 'rxjs';
import { ApiError } from './api-error';
import type { AuthenticatedRequest } from './auth.guard';

export type IdempotentRequest = AuthenticatedRequest & { idempotencyScope?: string };

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._~:-]{1,128}$/;

/**
 * `Idempotency-Key` on writes: the same key and body returns the first answer and runs nothing; the same key
 * with another body is a 422. Refusals are not remembered: re-running a refused command refuses it again and
 * appends nothing.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<IdempotentRequest>();
    const key = req.headers['idempotency-key'];
    if (key === undefined || (req.method !== 'POST' && req.method !== 'PUT')) return next.handle();
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Idempotency-Key header', [
        { field: 'Idempotency-Key', problems: ['must be 1-128 characters of A-Z a-z 0-9 . _ ~ : -'] },
      ]);
    }
    const scope = `${req.principal?.subject ?? 'anonymous'}:${key}`;
    const hash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`)
      .digest('base64url');
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      (req.method === 'POST' ? 201 : 200);
    return from(this.run(scope, hash, status, req, next));
  }

  private async run(scope: string, hash: string, status: number, req: IdempotentRequest, next: CallHandler) {
    for (let waited = 0; ; waited += 50) {
      const claim = await this.store.claim(scope, hash);
      if (claim.outcome === 'replay') return claim.response.body;
      if (claim.outcome === 'mismatch') {
        throw new ApiError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used with another request',
        );
      }
      if (claim.outcome === 'claimed') break;
      // Another copy of this request is running: wait for its answer rather than run it twice.
      if (waited > 10_000)
        throw new ApiError(409, 'REQUEST_IN_PROGRESS', 'the same request is still running');
      await new Promise((r) => setTimeout(r, 50));
    }
    req.idempotencyScope = scope;
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store.complete(scope, hash, { status, body });
      return body;
    } catch (error) {
      await this.store.release(scope, hash);
      throw error;
    }
  }
}
