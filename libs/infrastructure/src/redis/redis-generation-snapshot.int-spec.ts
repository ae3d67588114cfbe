import { ProjectionKeys } from './redis-projection.store';
import { RedisGenerationSnapshot } from './redis-generation-snapshot';
import { specRedis } from './spec-redis';

const { redis, prefix, close } = specRedis();
const projection = 'snapshot-read.v1';
type Blob = { generation: number; bytes: Buffer };
// Generation in the first 4 bytes; the rest as it is.
const codec = {
  encode: ({ generation, bytes }: Blob) =>
    Buffer.concat([Buffer.from(Uint32Array.of(generation).buffer), bytes]),
  decode: (raw: Buffer): Blob => ({ generation: raw.readUInt32LE(0), bytes: raw.subarray(4) }),
};

afterAll(close);

describe('Redis generation snapshot', () => {
  it('reads back a large snapshot byte for byte, only while its generation is active', async () => {
    const snapshots = new RedisGenerationSnapshot<Blob>(redis, prefix, projection as never, codec);
    const active = new ProjectionKeys(prefix, projection).active;
    // 20 MiB and a bit, with a pattern, read back whole.
    const bytes = Buffer.alloc(20 * 2 ** 20 + 12345);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) % 251;
    bytes[bytes.length - 1] = 7;
    expect(await snapshots.load()).toBeUndefined();
    await redis.set(active, '2');
    expect(await snapshots.load()).toBeUndefined();
    await snapshots.save({ generation: 2, bytes });
    const loaded = await snapshots.load();
    expect(loaded?.generation).toBe(2);
    expect(loaded!.bytes.equals(bytes)).toBe(true);
    await redis.set(active, '3');
    expect(await snapshots.load()).toBeUndefined();
  });
});
