import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { AnyProjection, FactsTableSnapshot, FactsTableSnapshots } from '@tracker/application';
import { FACTS_COLUMNS, type DossierFacts, type FactsTableImage } from '@tracker/domain';
import { RedisGenerationSnapshot } from './redis-generation-snapshot';

const MAGIC = Buffer.from('FTS1');
/** The 5.3 column is marked again from the feedback items at each scorecard: not stored. */
const STORED = FACTS_COLUMNS.filter((c) => c !== 'subjectAt');

type Header = {
  generation: number;
  cursor: string;
  size: number;
  columns: string[];
  unitIds: string[];
  procedureCodes: string[];
  codes: string[];
  detailed: [number, DossierFacts][];
};

/**
 * The scorecard's facts table in one Redis string beside its generation (`…:g<g>:snapshot`, dropped with
 * it): `FTS1`, the header's length, a JSON header (cursor, codes, interned ids, the detailed rows' facts),
 * the columns as little-endian typed arrays, and a CRC-32 of all that. Loaded in one GET and a few copies
 * instead of a million HSCAN entries and JSON documents; anything that does not check out is ignored (the
 * reader then loads the documents).
 */
export class RedisFactsTableSnapshots
  extends RedisGenerationSnapshot<FactsTableSnapshot>
  implements FactsTableSnapshots
{
  constructor(redis: Redis, prefix: string, projection: AnyProjection) {
    super(redis, prefix, projection, { encode: encodeFactsTable, decode: decodeFactsTable });
  }
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeFactsTable({ generation, cursor, image }: FactsTableSnapshot): Buffer {
  const n = image.size;
  const header: Header = {
    generation,
    cursor,
    size: n,
    columns: STORED,
    unitIds: [...image.unitIds],
    procedureCodes: [...image.procedureCodes],
    codes: image.codes.slice(0, n),
    detailed: image.detailed.map(([row, facts]) => [row, facts]),
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = pad8(8 + json.length);
  // One buffer, filled in place: the columns of a million rows are over a hundred megabytes.
  const out = Buffer.alloc(start + n * (8 * STORED.length + 4 + 4 + 1) + 4);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  let offset = start;
  const put = (a: Float64Array | Int32Array | Uint8Array) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.BYTES_PER_ELEMENT * n), offset);
    offset += a.BYTES_PER_ELEMENT * n;
  };
  for (const c of STORED) put(image.columns[c]);
  put(image.unit);
  put(image.procedure);
  put(image.flags);
  out.writeUInt32LE(crc32(out.subarray(0, offset)) >>> 0, offset);
  return out;
}

/** The snapshot in `raw`, or undefined when it is not one this code wrote whole (truncated, altered, older). */
export function decodeFactsTable(raw: Buffer): FactsTableSnapshot | undefined {
  if (endianness() !== 'LE' || raw.length < 12 || !raw.subarray(0, 4).equals(MAGIC)) return undefined;
  const body = raw.subarray(0, raw.length - 4);
  if (crc32(body) !== raw.readUInt32LE(raw.length - 4)) return undefined;
  const length = raw.readUInt32LE(4);
  let header: Header;
  try {
    header = JSON.parse(body.subarray(8, 8 + length).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  const n = header.size;
  if (
    !Number.isInteger(n) ||
    header.columns.join() !== STORED.join() ||
    header.codes.length !== n ||
    body.length !== pad8(8 + length) + n * (8 * STORED.length + 4 + 4 + 1)
  )
    return undefined;
  let offset = pad8(8 + length);
  // Views of the reply's bytes where they are aligned (every column starts at a multiple of its element's
  // size, so a reply whose own offset is a multiple of 8): a hundred megabytes neither copied nor paged in
  // twice. Else copied out into arrays of their own.
  const aligned = raw.byteOffset % 8 === 0;
  const take = <T extends Float64Array | Int32Array | Uint8Array>(
    make: (buffer: ArrayBuffer, byteOffset: number, length: number) => T,
    bytes: number,
  ): T => {
    const array = aligned
      ? make(raw.buffer as ArrayBuffer, raw.byteOffset + offset, n)
      : make(
          body.buffer.slice(body.byteOffset + offset, body.byteOffset + offset + bytes * n) as ArrayBuffer,
          0,
          n,
        );
    offset += bytes * n;
    return array;
  };
  const f64 = (b: ArrayBuffer, o: number, k: number) => new Float64Array(b, o, k);
  const columns = {} as Record<(typeof FACTS_COLUMNS)[number], Float64Array>;
  for (const c of STORED) columns[c] = take(f64, 8);
  columns.subjectAt = new Float64Array(n).fill(NaN);
  const image: FactsTableImage = {
    size: n,
    columns,
    unit: take((b, o, k) => new Int32Array(b, o, k), 4),
    procedure: take((b, o, k) => new Int32Array(b, o, k), 4),
    flags: take((b, o, k) => new Uint8Array(b, o, k), 1),
    codes: header.codes,
    unitIds: header.unitIds,
    procedureCodes: header.procedureCodes,
    detailed: header.detailed,
  };
  return { generation: header.generation, cursor: header.cursor, image };
}
