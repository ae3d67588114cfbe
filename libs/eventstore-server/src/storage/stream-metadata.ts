/** `$acl` keys: read, write, delete, metadata read, metadata write. */
export type AclAction = '$r' | '$w' | '$d' | '$mr' | '$mw';
export const ACL_ACTIONS: readonly AclAction[] = ['$r', '$w', '$d', '$mr', '$mw'];
/** Roles (user names or groups) per action; a missing action falls back to the default ACL. */
export type StreamAcl = Partial<Record<AclAction, readonly string[]>>;

/** A role string or an array of them, as `$acl` and `$settings` allow; anything else counts as unset. */
function parseRoles(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

export function parseAcl(value: unknown): StreamAcl | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const acl: Partial<Record<AclAction, readonly string[]>> = {};
  for (const action of ACL_ACTIONS) {
    const roles = parseRoles((value as Record<string, unknown>)[action]);
    if (roles) acl[action] = roles;
  }
  return acl;
}

/** The `$settings` stream's default ACLs for user and system streams. */
export interface SystemSettings {
  readonly userStreamAcl?: StreamAcl;
  readonly systemStreamAcl?: StreamAcl;
}

export function parseSystemSettings(raw: Buffer | undefined): SystemSettings {
  if (!raw) return {};
  try {
    const doc = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    return { userStreamAcl: parseAcl(doc?.$userStreamAcl), systemStreamAcl: parseAcl(doc?.$systemStreamAcl) };
  } catch {
    return {};
  }
}

/** The system keys of a `$metadata` event that the server enforces (esdb.md §4.7). */
export interface StreamMetadata {
  readonly maxCount?: number;
  /** Seconds. */
  readonly maxAge?: number;
  readonly truncateBefore?: number;
  /** `$tb` = long.MaxValue: the stream was soft-deleted. */
  readonly softDeleted: boolean;
  readonly acl?: StreamAcl;
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
    acl: parseAcl(doc.$acl),
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
