import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

/**
 * True when an error says a backing service (the event store, Redis) did not answer, rather than that the
 * request was wrong or the code broken: the caller may retry the same request (same Idempotency-Key) shortly.
 */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { type?: unknown; code?: unknown; name?: unknown; message?: unknown };
  // @eventstore/db-client's CommandError types, and raw gRPC statuses (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED).
  if (e.type === 'unavailable' || e.type === 'deadline-exceeded') return true;
  if (e.code === 14 || e.code === 4) return true;
  // ioredis: a command that gave up while the server was away.
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && e.message === 'Connection is closed.') return true;
  return typeof e.code === 'string' && NETWORK_CODES.has(e.code);
}

/**
 * ioredis emits 'error' on every failed reconnect; unheard, Node prints each one. Log once per outage
 * (again after the connection is back) and let ioredis keep reconnecting.
 */
export function watchRedis<R extends Redis>(redis: R, name = 'redis'): R {
  const logger = new Logger(name);
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis not answering (${error.message}); retrying`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis answering again');
  });
  return redis;
}
