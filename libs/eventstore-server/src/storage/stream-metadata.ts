/** The system keys of a `$metadata` event that the server enforces at read time (esdb.md §4.7). */
export interface StreamMetadata {
  readonly maxCount?: number;
  /** Seconds. */
  readonly maxAge?: number;
  readonly truncateBefore?: number;
  /** `$tb` = long.MaxValue: the stream was soft-deleted. */
  readonly softDeleted: boolean;
}

/** Anything at or above 2^53 cannot be an actual revision here: only the DeletedStream marker gets there. */
const SOFT_DELETED_THRESHOLD = Number.MAX_SAFE_INTEGER;
export const SOFT_DELETED_TB = '9223372036854775807';

export const NO_METADATA: StreamMetadata = { softDeleted: false };

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;

/** Lenient like the server: malformed metadata JSON means no system constraints. */
export function parseStreamMetadata(raw: Buffer): StreamMetadata {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return NO_METADATA;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return NO_METADATA;
  const doc = json as Record<string, unknown>;
  const tb = positiveInt(doc.$tb);
  return {
    maxCount: positiveInt(doc.$maxCount),
    maxAge: positiveInt(doc.$maxAge),
    truncateBefore: tb,
    softDeleted: tb !== undefined && tb >= SOFT_DELETED_THRESHOLD,
  };
}

/**
 * Rewrites `$tb` in a metadata document, keeping every other key. Done on the text because
 * long.MaxValue does not survive a round trip through a JS number.
 */
export function withTruncateBefore(raw: Buffer | undefined, tb: string): Buffer {
  let doc: Record<string, unknown> = {};
  if (raw && raw.length > 0) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        doc = parsed as Record<string, unknown>;
    } catch {
      doc = {};
    }
  }
  delete doc.$tb;
  const rest = JSON.stringify(doc);
  const body = rest === '{}' ? '' : `,${rest.slice(1, -1)}`;
  return Buffer.from(`{"$tb":${tb}${body}}`, 'utf8');
}
