import { crc32 } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { AnyProjection, FeedbackTableSnapshot, FeedbackTableSnapshots } from '@tracker/application';
import type { FeedbackFacts } from '@tracker/domain';
import { RedisGenerationSnapshot } from './redis-generation-snapshot';

const MAGIC = Buffer.from('FBS1');

/**
 * The scorecard's feedback items in one Redis string beside the feedback-facts generation
 * (`…:g<g>:snapshot`, dropped with it): `FBS1`, a CRC-32 of the rest, and JSON (generation, cursor, the
 * items' facts). Loaded in one GET and one parse instead of a scan of every document; anything that does not
 * check out is ignored (the reader then loads the documents).
 */
export class RedisFeedbackTableSnapshots
  extends RedisGenerationSnapshot<FeedbackTableSnapshot>
  implements FeedbackTableSnapshots
{
  constructor(redis: Redis, prefix: string, projection: AnyProjection) {
    super(redis, prefix, projection, { encode: encodeFeedbackTable, decode: decodeFeedbackTable });
  }
}

export function encodeFeedbackTable({ generation, cursor, facts }: FeedbackTableSnapshot): Buffer {
  const json = Buffer.from(JSON.stringify({ generation, cursor, facts }));
  const out = Buffer.alloc(8 + json.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(crc32(json) >>> 0, 4);
  json.copy(out, 8);
  return out;
}

/** The snapshot in `raw`, or undefined when it is not one this code wrote whole (truncated, altered, older). */
export function decodeFeedbackTable(raw: Buffer): FeedbackTableSnapshot | undefined {
  if (raw.length < 8 || !raw.subarray(0, 4).equals(MAGIC)) return undefined;
  const json = raw.subarray(8);
  if (crc32(json) !== raw.readUInt32LE(4)) return undefined;
  try {
    const parsed = JSON.parse(json.toString('utf8')) as Partial<FeedbackTableSnapshot>;
    if (
      !Number.isInteger(parsed.generation) ||
      typeof parsed.cursor !== 'string' ||
      !Array.isArray(parsed.facts)
    )
      return undefined;
    return {
      generation: parsed.generation!,
      cursor: parsed.cursor,
      facts: parsed.facts as FeedbackFacts[],
    };
  } catch {
    return undefined;
  }
}
