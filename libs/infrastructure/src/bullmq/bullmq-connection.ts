import { Redis, type RedisOptions } from 'ioredis';
import { watchRedis } from '../unavailable';

/** BullMQ's key prefix under the tracker's own (`tracker:bull`), so tests and trackers can share a server. */
export const bullPrefix = (keyPrefix: string): string => `${keyPrefix}bull`;

/** A connection as BullMQ wants it: blocking commands must not give up (maxRetriesPerRequest null). */
export const bullConnection = (url: string, options: RedisOptions = {}): Redis =>
  watchRedis(new Redis(url, { maxRetriesPerRequest: null, ...options }), 'bullmq');
