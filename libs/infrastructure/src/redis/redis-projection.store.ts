import { closeRedis, watchRedis } from '../unavailable';
import { unlinkMatching } from './unlink-matching';
import type { Redis } from 'ioredis';
import {
  AnyProjection,
  CheckpointStore,
  GenerationStatus,
  IndexEntry,
  ProjectionCheckpoint,
  ProjectionCommit,
  ProjectionStop,
  ProjectionStore,
  ProjectionWriteConflict,
  ProjectionWriter,
  StoredDocument,
  projectionId,
} from '@tracker/application';
import { projectionCommitFault } from './projection-faults';

/**
 * Key layout (`P` = REDIS_KEY_PREFIX):
 * - `P proj:<name>.v<n>:active`        the generation readers use (a number)
 * - `P proj:<name>.v<n>:generations`   counter of generations ever created
 * - `P proj:<name>.v<n>:stopped`       JSON { position, error, since } while stopped at a poison event
 * - `P proj:<name>.v<n>:g<g>:checkpoint` hash { position, events, updatedAt, logId }
 * - `P proj:<name>.v<n>:g<g>:docs`      hash id → `{"p":"<position>","d":<document>}`
 * - `P proj:<name>.v<n>:g<g>:ix:<set>`  sorted sets (indexes)
 * - `P proj:<name>.v<n>:g<g>:changes`   capped stream of the ids each batch changed
 */
export class ProjectionKeys {
  readonly base: string;
  constructor(prefix: string, projection: AnyProjection | string) {
    this.base = `${prefix}proj:${typeof projection === 'string' ? projection : projectionId(projection)}`;
  }
  get active(): string {
    return `${this.base}:active`;
  }
  get generations(): string {
    return `${this.base}:generations`;
  }
  get stopped(): string {
    return `${this.base}:stopped`;
  }
  generation(g: number) {
    const root = `${this.base}:g${g}`;
    return {
      root,
      checkpoint: `${root}:checkpoint`,
      docs: `${root}:docs`,
      changes: `${root}:changes`,
      index: (set: string) => `${root}:ix:${set}`,
    };
  }
}

type Encoded = { p: string; d: unknown };

const parseCheckpoint = (raw: Record<string, string>): ProjectionCheckpoint => ({
  position: raw.position === undefined ? undefined : BigInt(raw.position),
  events: raw.events === undefined ? 0 : Number(raw.events),
  ...(raw.updatedAt ? { updatedAt: raw.updatedAt } : {}),
  ...(raw.logId ? { logId: raw.logId } : {}),
});

/**
 * Read models in Redis. Every batch is one WATCH/MULTI/EXEC on the writer's own connection: documents,
 * index entries, change log and checkpoint together. The WATCH on the checkpoint (and, for the active
 * generation, on the active pointer) makes a second writer, or a writer of a generation readers have left,
 * fail instead of counting an event twice.
 */
export class RedisProjectionStore implements ProjectionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  keys(projection: AnyProjection | string): ProjectionKeys {
    return new ProjectionKeys(this.prefix, projection);
  }

  async activeWriter(projection: AnyProjection): Promise<ProjectionWriter> {
    const keys = this.keys(projection);
    let active = await this.activeGeneration(projection);
    if (active === undefined) {
      const g = await this.redis.incr(keys.generations);
      await this.redis.set(keys.active, String(g), 'NX');
      active = (await this.activeGeneration(projection))!;
    }
    return new RedisProjectionWriter(
      watchRedis(this.redis.duplicate()),
      keys,
      projectionId(projection),
      active,
      true,
    );
  }

  async newGenerationWriter(projection: AnyProjection): Promise<ProjectionWriter> {
    const keys = this.keys(projection);
    const active = (await this.activeGeneration(projection)) ?? 0;
    let g = await this.redis.incr(keys.generations);
    if (g <= active) {
      // The counter was lost (or predates the pointer): never reuse a live generation's keys.
      await this.redis.set(keys.generations, String(active));
      g = await this.redis.incr(keys.generations);
    }
    return new RedisProjectionWriter(
      watchRedis(this.redis.duplicate()),
      keys,
      projectionId(projection),
      g,
      false,
    );
  }

  async activate(
    projection: AnyProjection,
    generation: number,
    options: { force?: boolean } = {},
  ): Promise<{ replaced: number | undefined } | false> {
    const keys = this.keys(projection);
    const conn = watchRedis(this.redis.duplicate());
    try {
      for (;;) {
        await conn.watch(keys.active);
        const raw = await conn.get(keys.active);
        const active = raw === null ? undefined : Number(raw);
        if (active === generation) {
          await conn.unwatch();
          return { replaced: undefined };
        }
        const fresh = keys.generation(generation).checkpoint;
        const watched = active === undefined ? [fresh] : [fresh, keys.generation(active).checkpoint];
        await conn.watch(...watched);
        const [mine, theirs] = await Promise.all(watched.map((k) => conn.hget(k, 'position')));
        const at = (v: string | null | undefined) => (v === null || v === undefined ? -1n : BigInt(v));
        if (!options.force && at(mine) < at(theirs)) {
          await conn.unwatch();
          return false;
        }
        const done = await conn.multi().set(keys.active, String(generation)).exec();
        if (done !== null) return { replaced: active };
      }
    } finally {
      conn.disconnect();
    }
  }

  async dropGeneration(projection: AnyProjection, generation: number): Promise<void> {
    if ((await this.activeGeneration(projection)) === generation) {
      throw new Error(`${projectionId(projection)}: generation ${generation} is the active one`);
    }
    await unlinkMatching(this.redis, `${this.keys(projection).generation(generation).root}:*`);
  }

  async dropRetiredVersions(projection: AnyProjection): Promise<string[]> {
    const base = `${this.prefix}proj:${projection.name}.v`;
    // One pass over `<prefix>proj:<name>.v<K>:…`, the keys of versions below this one unlinked (a longer name
    // sharing the start has no `<K>:` after it).
    const retired = new Set<number>();
    await unlinkMatching(this.redis, `${escapeGlob(base)}*`, (key) => {
      const k = Number(/^(\d+):/.exec(key.slice(base.length))?.[1]);
      if (!(k < projection.version)) return false;
      retired.add(k);
      return true;
    });
    return [...retired].sort((a, b) => a - b).map((k) => `${projection.name}.v${k}`);
  }

  async activeGeneration(projection: AnyProjection): Promise<number | undefined> {
    const raw = await this.redis.get(this.keys(projection).active);
    return raw === null ? undefined : Number(raw);
  }

  async status(projection: AnyProjection, generation?: number): Promise<GenerationStatus | undefined> {
    const g = generation ?? (await this.activeGeneration(projection));
    if (g === undefined) return undefined;
    const raw = await this.redis.hgetall(this.keys(projection).generation(g).checkpoint);
    return { generation: g, checkpoint: parseCheckpoint(raw) };
  }

  async documents<Doc>(
    projection: AnyProjection,
    generation: number,
    ids: readonly string[],
  ): Promise<(Doc | undefined)[]> {
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.keys(projection).generation(generation).docs, ...ids);
    return raw.map((r) => (r === null ? undefined : ((JSON.parse(r) as Encoded).d as Doc)));
  }

  async membersByLex(
    projection: AnyProjection,
    generation: number,
    set: string,
    min: string,
    max: string,
    limit: number,
  ): Promise<string[]> {
    const key = this.keys(projection).generation(generation).index(set);
    return this.redis.zrange(key, min, max, 'BYLEX', 'LIMIT', 0, limit);
  }

  async membersByScore(
    projection: AnyProjection,
    generation: number,
    set: string,
    min: number,
    max: number,
  ): Promise<string[]> {
    const key = this.keys(projection).generation(generation).index(set);
    const bound = (n: number) => (n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n));
    return this.redis.zrange(key, bound(min), bound(max), 'BYSCORE');
  }

  async indexSummary(
    projection: AnyProjection,
    generation: number,
    set: string,
  ): Promise<{ count: number; lowestScore: number | undefined }> {
    const key = this.keys(projection).generation(generation).index(set);
    const [count, lowest] = await Promise.all([
      this.redis.zcard(key),
      this.redis.zrange(key, '0', '0', 'WITHSCORES'),
    ]);
    return { count, lowestScore: lowest.length === 2 ? Number(lowest[1]) : undefined };
  }

  async stopped(projection: AnyProjection): Promise<ProjectionStop | undefined> {
    const raw = await this.redis.get(this.keys(projection).stopped);
    return raw === null ? undefined : (JSON.parse(raw) as ProjectionStop);
  }

  async setStopped(projection: AnyProjection, stop: ProjectionStop | undefined): Promise<void> {
    const key = this.keys(projection).stopped;
    await (stop ? this.redis.set(key, JSON.stringify(stop)) : this.redis.del(key));
  }
}

/** Index entries grouped by set, in order, each as the arguments it adds to its set's command. */
function bySet<A>(entries: readonly IndexEntry[], args: (e: IndexEntry) => A[]): Map<string, A[]> {
  const sets = new Map<string, A[]>();
  for (const e of entries) {
    const list = sets.get(e.set);
    if (list) list.push(...args(e));
    else sets.set(e.set, args(e));
  }
  return sets;
}

class RedisProjectionWriter implements ProjectionWriter {
  constructor(
    private readonly conn: Redis,
    private readonly keys: ProjectionKeys,
    readonly projection: string,
    readonly generation: number,
    private readonly followsActive: boolean,
  ) {}

  private get g() {
    return this.keys.generation(this.generation);
  }

  async checkpoint(): Promise<ProjectionCheckpoint> {
    return parseCheckpoint(await this.conn.hgetall(this.g.checkpoint));
  }

  async load<Doc>(ids: readonly string[]): Promise<Map<string, StoredDocument<Doc> | undefined>> {
    const raw = await this.conn.hmget(this.g.docs, ...ids);
    return new Map(
      ids.map((id, i) => {
        const r = raw[i];
        if (r === null) return [id, undefined];
        const { p, d } = JSON.parse(r) as Encoded;
        return [id, { doc: d as Doc, lastPosition: BigInt(p) }];
      }),
    );
  }

  async commit(c: ProjectionCommit): Promise<void> {
    const g = this.g;
    const conn = this.conn;
    // WATCH and the reads it guards in one round trip (a pipeline keeps their order on the connection).
    const watched = conn
      .pipeline()
      .watch(...(this.followsActive ? [g.checkpoint, this.keys.active] : [g.checkpoint]))
      .hget(g.checkpoint, 'position');
    if (this.followsActive) watched.get(this.keys.active);
    let queued = false;
    try {
      const replies = (await watched.exec()) ?? [];
      const refused = replies.find(([error]) => error);
      if (refused) throw refused[0]!;
      const position = replies[1]?.[1] as string | null;
      const active = this.followsActive ? (replies[2]?.[1] as string | null) : String(this.generation);
      if (active !== String(this.generation))
        throw new ProjectionWriteConflict(this.projection, 'generation-switched');
      if ((position === null ? undefined : BigInt(position)) !== c.expected) {
        throw new ProjectionWriteConflict(this.projection, 'checkpoint-moved');
      }
      // One variadic command per key (a batch changes a document once, an index entry once): a rebuild's
      // batch is a few hundred commands rather than one per document and index entry.
      const m = conn.multi();
      const changedIds: string[] = [];
      const written: string[] = [];
      const deleted: string[] = [];
      for (const change of c.changes) {
        changedIds.push(change.id);
        if (change.after) {
          written.push(
            change.id,
            JSON.stringify({ p: change.after.lastPosition.toString(), d: change.after.doc }),
          );
        } else {
          deleted.push(change.id);
        }
      }
      if (written.length) m.hset(g.docs, ...written);
      if (deleted.length) m.hdel(g.docs, ...deleted);
      for (const [set, members] of bySet(c.remove, (e) => [e.member])) m.zrem(g.index(set), ...members);
      for (const [set, args] of bySet(c.add, (e) => [e.score, e.member])) m.zadd(g.index(set), ...args);
      if (c.changeLog && changedIds.length) {
        m.xadd(
          g.changes,
          'MAXLEN',
          '~',
          c.changeLog.maxLength,
          '*',
          'ids',
          JSON.stringify(changedIds),
          'checkpoint',
          c.checkpoint.toString(),
        );
      }
      m.hset(g.checkpoint, 'position', c.checkpoint.toString(), 'updatedAt', new Date().toISOString());
      m.hincrby(g.checkpoint, 'events', c.events);
      projectionCommitFault()?.({
        projection: this.projection,
        generation: this.generation,
        checkpoint: c.checkpoint,
      });
      queued = true;
      const result = await m.exec();
      if (result === null) throw new ProjectionWriteConflict(this.projection, 'checkpoint-moved');
      const failed = result.find(([error]) => error);
      if (failed) throw failed[0]!;
    } finally {
      if (!queued) await conn.unwatch().catch(() => undefined);
    }
  }

  async bindLog(logId: string): Promise<void> {
    await this.conn.hset(this.g.checkpoint, 'logId', logId);
  }

  async close(): Promise<void> {
    await closeRedis(this.conn);
  }
}

/** Reactors' checkpoints: `P checkpoint:<name>`. */
export class RedisCheckpointStore implements CheckpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async load(name: string): Promise<bigint | undefined> {
    const raw = await this.redis.get(`${this.prefix}checkpoint:${name}`);
    return raw === null ? undefined : BigInt(raw);
  }

  async store(name: string, position: bigint): Promise<void> {
    await this.redis.set(`${this.prefix}checkpoint:${name}`, position.toString());
  }
}

/** A literal for SCAN's MATCH: its glob characters escaped. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
