import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IsString, MinLength } from 'class-validator';
import { ConfigurationError } from '../config/environment';
import { IdentityEntry, parseIdentityEntries, principalOf, type Principal } from './identity-entry';

class TokenEntry extends IdentityEntry {
  @IsString()
  @MinLength(16, { message: 'token must be at least 16 characters' })
  token!: string;
}

export class TokenRegistry {
  private readonly byToken: ReadonlyMap<string, Principal>;

  constructor(entries: ReadonlyArray<{ token: string; principal: Principal }>) {
    this.byToken = new Map(entries.map((e) => [e.token, e.principal]));
  }

  authenticate(token: string): Principal | undefined {
    return this.byToken.get(token);
  }

  get size(): number {
    return this.byToken.size;
  }
}

/** Parses and validates a tokens file: `[{ token, name, role, units? }]`. */
export function parseTokens(json: unknown, origin = 'tokens file'): TokenRegistry {
  const seen = new Set<string>();
  const entries = parseIdentityEntries(json, TokenEntry, origin, (entry, label, problems) => {
    if (seen.has(entry.token)) problems.push(`${label}.token: duplicate token`);
    seen.add(entry.token);
  });
  return new TokenRegistry(entries.map((entry) => ({ token: entry.token, principal: principalOf(entry) })));
}

export function loadTokensFile(path: string): TokenRegistry {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read TRACKER_TOKENS_FILE ${path}: ${(error as Error).message}`);
  }
  return parseTokens(json, path);
}

/**
 * The tokens of this run: the file when one is named; otherwise, outside production only, one fresh admin
 * token, returned so that start-up can print it. Production refuses to start without a file.
 */
export function resolveTokens(options: { file?: string; production: boolean }): {
  registry: TokenRegistry;
  generatedAdminToken?: string;
} {
  if (options.file) return { registry: loadTokensFile(options.file) };
  if (options.production) {
    throw new ConfigurationError('TRACKER_TOKENS_FILE is required when NODE_ENV=production');
  }
  const token = randomBytes(24).toString('base64url');
  return {
    registry: new TokenRegistry([{ token, principal: { subject: 'local-admin', role: 'admin', units: [] } }]),
    generatedAdminToken: token,
  };
}
