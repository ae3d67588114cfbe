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
  // @eventstore/db-client's CommandError types, and raw gRPC statuses (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED,
  // 1 CANCELLED: the tracker cancels no call itself, so a cancelled one was ended by a stopping event store).
  if (e.type === 'unavailable' || e.type === 'deadline-exceeded' || e.type === 'cancelled') return true;
  if (e.code === 14 || e.code === 4 || e.code === 1) return true;
  // ioredis: a command that gave up while the server was away.
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && e.message === 'Connection is closed.') return true;
  return typeof e.code === 'string' && NETWORK_CODES.has(e.code);
}

/** Where a connection points, for the outage line (no password). */
function addressOf(redis: Redis): string {
  const o = redis.options;
  return `redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}${o.db ? `/${o.db}` : ''}`;
}

/** Per Redis address, the connections of this process that cannot reach it: one line per outage, not per connection. */
const outages = new Map<string, Set<Redis>>();

/**
 * ioredis emits 'error' on every failed reconnect; unheard, Node prints each one. Log once per outage of an
 * address across every connection of the process (and once when it is back), and let ioredis keep
 * reconnecting with its backoff.
 */
export function watchRedis<R extends Redis>(redis: R, _name = 'redis'): R {
  const logger = new Logger('redis');
  const address = addressOf(redis);
  redis.on('error', (error: Error & { code?: string }) => {
    const down = outages.get(address) ?? new Set<Redis>();
    const first = down.size === 0;
    down.add(redis);
    outages.set(address, down);
    if (!first) return;
    logger.warn(
      `Redis at ${address} is not answering (${error.code ?? error.message}): start Redis there ` +
        '(redis-server) or set REDIS_URL; retrying with backoff',
    );
  });
  const recovered = () => {
    const down = outages.get(address);
    if (!down?.delete(redis) || down.size > 0) return;
    logger.log(`Redis at ${address} answering again`);
  };
  redis.on('ready', recovered);
  redis.on('end', recovered);
  return redis;
}

/** Closes a connection without waiting on a Redis that is not there (QUIT would queue until it answers). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
