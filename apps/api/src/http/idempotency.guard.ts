import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { IDEMPOTENCY_STORE, IdempotencyStore, type StoredResponse } from '@tracker/application';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { ApiError, IdempotentReplay } from './api-error';
import type { AuthenticatedRequest } from './auth.guard';
import { TrackerErrorFilter } from './error.filter';

export type IdempotentRequest = AuthenticatedRequest & { idempotencyScope?: string };

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._~:-]{1,128}$/;

/**
 * `Idempotency-Key` on writes: the same key and body returns the first answer and runs nothing; the same key
 * with another body is a 422. Refusals are not remembered: re-running a refused command refuses it again and
 * appends nothing.
 *
 * A guard, run after the caller is identified and authorized, not an interceptor: Nest wraps every request of
 * a route with an interceptor in rxjs and async-hook work (about a tenth of the API's CPU per command), while
 * only requests with a key need anything. A claimed request's answer settles the claim before it is sent:
 * a success is recorded, a refusal (any status from 400) releases it.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<IdempotentRequest>();
    const key = req.headers['idempotency-key'];
    if (key === undefined || (req.method !== 'POST' && req.method !== 'PUT')) return true;
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Idempotency-Key header', [
        { field: 'Idempotency-Key', problems: ['must be 1-128 characters of A-Z a-z 0-9 . _ ~ : -'] },
      ]);
    }
    const scope = `${req.principal?.subject ?? 'anonymous'}:${key}`;
    const hash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`)
      .digest('base64url');
    for (let waited = 0; ; waited += 50) {
      const claim = await this.store.claim(scope, hash);
      if (claim.outcome === 'replay') throw new IdempotentReplay(claim.response);
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
    settleBeforeAnswer(context.switchToHttp().getResponse<Response>(), async (answer) => {
      if (answer.status >= 400) return this.store.release(scope, hash);
      try {
        await this.store.complete(scope, hash, answer);
      } catch (error) {
        await this.store.release(scope, hash);
        throw error;
      }
    });
    return true;
  }
}

/**
 * Holds the response's first answer (`json`, or `send` for an empty one, as Nest and TrackerErrorFilter write
 * them) until `settle` is done; when settling fails, that failure is answered instead.
 */
function settleBeforeAnswer(res: Response, settle: (answer: StoredResponse) => Promise<void>): void {
  const { json, send } = res;
  let settling = false;
  const answer = (write: () => Response, body: unknown): Response => {
    if (settling) return write();
    settling = true;
    settle({ status: res.statusCode, body }).then(write, (error: unknown) => {
      res.json = json;
      res.send = send;
      new TrackerErrorFilter().answer(res, error);
    });
    return res;
  };
  res.json = (body?: unknown) => answer(() => json.call(res, body), body);
  res.send = (body?: unknown) => answer(() => send.call(res, body), body);
}
