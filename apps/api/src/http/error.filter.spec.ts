import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { CancelledError, UnavailableError } from '@eventstore/db-client';
import { DomainError } from '@tracker/domain';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { Logger } from '@nestjs/common';
import { TrackerErrorFilter } from './error.filter';

beforeAll(() => Logger.overrideLogger(false));

/** What the filter writes: status, headers, body. */
function answer(exception: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    headersSent: false,
    status(s: number) {
      out.status = s;
      return res;
    },
    setHeader(k: string, v: string) {
      out.headers[k] = v;
    },
    json(b: unknown) {
      out.body = b;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) };
  new TrackerErrorFilter().catch(exception, host as never);
  return out;
}

describe('TrackerErrorFilter: a backing service that does not answer is a 503 to retry, not a 500', () => {
  const grpcUnavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
    code: GrpcStatus.UNAVAILABLE,
    details: 'No connection established',
    metadata: new Metadata(),
  });

  it.each([
    ['a raw gRPC UNAVAILABLE (append)', grpcUnavailable],
    ['the client’s UnavailableError (read)', new UnavailableError(grpcUnavailable)],
    [
      'the client’s CancelledError (a read the stopping event store cancelled)',
      new CancelledError(
        Object.assign(new Error('1 CANCELLED: The node is shutting down.'), {
          code: GrpcStatus.CANCELLED,
          details: 'The node is shutting down.',
          metadata: new Metadata(),
        }),
      ),
    ],
    ['ioredis giving up on a command', new MaxRetriesPerRequestError(3)],
    ['a closed Redis connection', new Error('Connection is closed.')],
  ])('%s', (_, error) => {
    const out = answer(error);
    expect(out).toEqual({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } },
    });
  });

  it('keeps a bug a 500 and a refusal what its kind says', () => {
    expect(answer(new TypeError('x is undefined')).status).toBe(500);
    expect(answer(new DomainError('DOSSIER_FINISHED', 'conflict', 'finished')).status).toBe(409);
  });
});
