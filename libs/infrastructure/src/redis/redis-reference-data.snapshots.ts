import type { Redis } from 'ioredis';
import type { ReferenceDataSnapshot, ReferenceDataSnapshots } from '@tracker/application';

/** The layout's version: a snapshot written in another layout is not read (the next catch-up replaces it). */
const LAYOUT = 1;
/** How long a start waits for Redis's first connection before doing without the snapshot. */
const CONNECT_WAIT_MS = 2000;

/** The reference data's snapshot in one Redis string (JSON), read and written whole. */
export class RedisReferenceDataSnapshots implements ReferenceDataSnapshots {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}reference:snapshot`;
  }

  async load(): Promise<ReferenceDataSnapshot | undefined> {
    if (!(await this.connected())) return undefined;
    const raw = await this.redis.get(this.key);
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as { layout?: number } & Partial<ReferenceDataSnapshot>;
      if (
        parsed.layout !== LAYOUT ||
        typeof parsed.logId !== 'string' ||
        typeof parsed.position !== 'string' ||
        !Array.isArray(parsed.events)
      )
        return undefined;
      return { logId: parsed.logId, position: parsed.position, events: parsed.events };
    } catch {
      return undefined;
    }
  }

  /**
   * Whether Redis is connected, waiting for a first connection under way; a Redis that fails to connect is
   * not waited for (its retries would hold the start back): the catch-up from the start does without.
   */
  private connected(): Promise<boolean> {
    const redis = this.redis;
    if (redis.status === 'ready') return Promise.resolve(true);
    if (!['wait', 'connecting', 'connect'].includes(redis.status)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('error', onFailure);
        redis.off('close', onFailure);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onFailure = () => done(false);
      const timer = setTimeout(onFailure, CONNECT_WAIT_MS);
      redis.once('ready', onReady);
      redis.once('error', onFailure);
      redis.once('close', onFailure);
    });
  }

  async save(snapshot: ReferenceDataSnapshot): Promise<void> {
    await this.redis.set(this.key, JSON.stringify({ layout: LAYOUT, ...snapshot }));
  }
}
