import { watchRedis } from '../unavailable';
import {
  compareFeedIds,
  type AlertFeed,
  type AlertFeedEntry,
  type AlertFeedReader,
} from '@tracker/application';
import type { Redis } from 'ioredis';

type Raw = [string, string[]];
const parse = ([id, fields]: Raw): AlertFeedEntry => {
  const body = JSON.parse(fields[fields.indexOf('change') + 1]) as Omit<AlertFeedEntry, 'id'>;
  return { id, ...body };
};

/** The alerts change feed as a capped Redis Stream (`P alerts:changes`), with the ids the sink gives. */
export class RedisAlertFeed implements AlertFeed {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly maxLength = 100_000,
  ) {
    this.key = `${prefix}alerts:changes`;
  }

  async append(entries: readonly AlertFeedEntry[]): Promise<void> {
    const last = await this.lastId();
    const fresh = entries.filter((e) => compareFeedIds(e.id, last) > 0);
    if (fresh.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { id, ...body } of fresh) {
      pipeline.xadd(this.key, 'MAXLEN', '~', this.maxLength, id, 'change', JSON.stringify(body));
    }
    const results = (await pipeline.exec()) ?? [];
    // A concurrent writer (a second worker) may have added the same ids first: that is the same entry.
    const failed = results.find(([error]) => error && !/equal or smaller/.test(error.message));
    if (failed?.[0]) throw failed[0];
  }

  async lastId(): Promise<string> {
    const info = (await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1)) as Raw[];
    return info[0]?.[0] ?? '0-0';
  }

  async reset(): Promise<void> {
    await this.redis.del(this.key);
  }

  async range(after: string, count: number): Promise<AlertFeedEntry[]> {
    const result = (await this.redis.xread('COUNT', count, 'STREAMS', this.key, after)) as
      [string, Raw[]][] | null;
    return result?.[0]?.[1].map(parse) ?? [];
  }

  reader(): AlertFeedReader {
    // Named, so an operator (and a test) can see that one process holds one such connection.
    const conn = watchRedis(this.redis.duplicate({ connectionName: `${this.key}:reader` }));
    const key = this.key;
    return {
      async read(after: string, blockMs: number, count = 100): Promise<AlertFeedEntry[]> {
        const result = (await conn.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, after)) as
          [string, Raw[]][] | null;
        return result?.[0]?.[1].map(parse) ?? [];
      },
      async close(): Promise<void> {
        conn.disconnect();
      },
    };
  }
}
