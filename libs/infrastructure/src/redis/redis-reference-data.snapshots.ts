import type { Redis } from 'ioredis';
import type { ReferenceDataSnapshot, ReferenceDataSnapshots } from '@tracker/application';

/** The layout's version: a snapshot written in another layout is not read (the next catch-up replaces it). */
const LAYOUT = 1;

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

  async save(snapshot: ReferenceDataSnapshot): Promise<void> {
    await this.redis.set(this.key, JSON.stringify({ layout: LAYOUT, ...snapshot }));
  }
}
