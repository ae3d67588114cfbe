import type { Redis } from 'ioredis';
import type { AnyProjection } from '@tracker/application';
import { ProjectionKeys } from './redis-projection.store';

/**
 * A reader's snapshot in one Redis string beside its projection's generation (`…:g<g>:snapshot`, dropped
 * with it), loaded only while that generation is the active one. The table's codec says what the bytes are;
 * a snapshot it does not decode whole is ignored (the reader then loads the documents).
 */
export class RedisGenerationSnapshot<S extends { readonly generation: number }> {
  private readonly keys: ProjectionKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    projection: AnyProjection,
    private readonly codec: Readonly<{
      encode: (snapshot: S) => Buffer;
      decode: (raw: Buffer) => S | undefined;
    }>,
  ) {
    this.keys = new ProjectionKeys(prefix, projection);
  }

  async load(): Promise<S | undefined> {
    const active = await this.redis.get(this.keys.active);
    if (active === null) return undefined;
    const raw = await this.redis.getBuffer(this.key(Number(active)));
    if (raw === null) return undefined;
    const snapshot = this.codec.decode(raw);
    return snapshot?.generation === Number(active) ? snapshot : undefined;
  }

  async save(snapshot: S): Promise<void> {
    await this.redis.set(this.key(snapshot.generation), this.codec.encode(snapshot));
  }

  private key(generation: number): string {
    return `${this.keys.generation(generation).root}:snapshot`;
  }
}
