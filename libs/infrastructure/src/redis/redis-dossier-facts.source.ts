import type { Redis } from 'ioredis';
import type { AnyProjection, FactsChanges, FactsSnapshot, FactsSource } from '@tracker/application';
import type { DossierFacts } from '@tracker/domain';
import { ProjectionKeys } from './redis-projection.store';

type Encoded<F> = { p: string; d: F };

/** Reads a facts projection's documents (a hash) and its capped change log (a stream) for the cache
 * (dossier-facts by default; feedback-facts too). */
export class RedisDossierFactsSource<F = DossierFacts> implements FactsSource<F> {
  private readonly keys: ProjectionKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    projection: AnyProjection,
  ) {
    this.keys = new ProjectionKeys(prefix, projection);
  }

  async snapshot(each?: (facts: F[]) => void): Promise<FactsSnapshot<F> | undefined> {
    const generation = await this.activeGeneration();
    if (generation === undefined) return undefined;
    const g = this.keys.generation(generation);
    // The cursor is taken before the scan: anything changed during the scan is re-read from the log.
    const last = await this.redis.xrevrange(g.changes, '+', '-', 'COUNT', 1);
    const cursor = last.length ? last[0][0] : '0-0';
    const facts: F[] = [];
    let scan = '0';
    do {
      const [next, flat] = await this.redis.hscan(g.docs, scan, 'COUNT', 5000);
      const page = each ? [] : facts;
      for (let i = 1; i < flat.length; i += 2) page.push((JSON.parse(flat[i]) as Encoded<F>).d);
      each?.(page);
      scan = next;
    } while (scan !== '0');
    return { generation, cursor, facts };
  }

  async changesSince(generation: number, cursor: string): Promise<FactsChanges<F> | 'reset'> {
    if ((await this.activeGeneration()) !== generation) return 'reset';
    const g = this.keys.generation(generation);
    const first = await this.redis.xrange(g.changes, '-', '+', 'COUNT', 1);
    if (first.length && cursor !== '0-0' && compareIds(first[0][0], cursor) > 0) {
      // Entries after the cursor may have been trimmed away: what changed is no longer known.
      const stillThere = await this.redis.xrange(g.changes, cursor, cursor);
      if (!stillThere.length) return 'reset';
    }
    const codes = new Set<string>();
    let from = `(${cursor}`;
    let last = cursor;
    for (;;) {
      const entries = await this.redis.xrange(g.changes, from, '+', 'COUNT', 10_000);
      for (const [id, fields] of entries) {
        for (let i = 0; i < fields.length; i += 2) {
          if (fields[i] === 'ids') for (const code of JSON.parse(fields[i + 1]) as string[]) codes.add(code);
        }
        last = id;
      }
      if (entries.length < 10_000) break;
      from = `(${last}`;
    }
    if (!codes.size) return { cursor: last, facts: [] };
    const raw = await this.redis.hmget(g.docs, ...codes);
    const facts = raw.flatMap((r) => (r === null ? [] : [(JSON.parse(r) as Encoded<F>).d]));
    return { cursor: last, facts };
  }

  private async activeGeneration(): Promise<number | undefined> {
    const raw = await this.redis.get(this.keys.active);
    return raw === null ? undefined : Number(raw);
  }
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
