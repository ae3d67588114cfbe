import type { Redis } from 'ioredis';
import type { AnyProjection } from '@tracker/application';
import { ProjectionKeys } from './redis-projection.store';

/** Bytes per GETRANGE of a snapshot's read. */
const READ_PIECE = 8 * 2 ** 20;

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
    const raw = await this.read(this.key(Number(active)));
    if (raw === undefined) return undefined;
    const snapshot = this.codec.decode(raw);
    return snapshot?.generation === Number(active) ? snapshot : undefined;
  }

  async save(snapshot: S): Promise<void> {
    await this.redis.set(this.key(snapshot.generation), this.codec.encode(snapshot));
  }

  /**
   * The string's bytes in one buffer, read in pieces (GETRANGE) straight into it: a single GET's reply is
   * gathered chunk by chunk and then copied whole, so a hundred-megabyte snapshot would be paged in twice.
   * A key changed between two pieces gives bytes the codec refuses (its checksum), as a torn read should.
   */
  private async read(key: string): Promise<Buffer | undefined> {
    const length = await this.redis.strlen(key);
    if (length === 0) return undefined;
    const out = Buffer.allocUnsafe(length);
    for (let at = 0; at < length; at += READ_PIECE) {
      const piece = await this.redis.getrangeBuffer(key, at, Math.min(at + READ_PIECE, length) - 1);
      if (piece.length !== Math.min(READ_PIECE, length - at)) return undefined;
      piece.copy(out, at);
    }
    return out;
  }

  private key(generation: number): string {
    return `${this.keys.generation(generation).root}:snapshot`;
  }
}
