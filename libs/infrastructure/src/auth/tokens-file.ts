import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsString, MinLength, ValidateIf, validateSync } from 'class-validator';
import { ConfigurationError } from '../config/environment';

export type TokenRole = 'clerk' | 'supervisor' | 'reform-office' | 'admin';

/**
 * One caller, as the tokens file describes them. `subject` is the entry's `name`, which the file keeps unique:
 * it is the caller's identity (the audit `actor`, the Idempotency-Key scope, the SSE stream cap).
 */
export type Principal = Readonly<{ subject: string; role: TokenRole; units: readonly string[] }>;

class TokenEntry {
  @IsString()
  @MinLength(16, { message: 'token must be at least 16 characters' })
  token!: string;

  @IsString()
  @MinLength(1)
  name!: string;

  @IsIn(['clerk', 'supervisor', 'reform-office', 'admin'])
  role!: TokenRole;

  // Required for clerks and supervisors (without units they could do nothing, silently); optional otherwise.
  @ValidateIf((o: TokenEntry) => o.role === 'clerk' || o.role === 'supervisor' || o.units !== undefined)
  @IsArray({ message: 'units must list the units of a clerk or supervisor' })
  @ArrayNotEmpty({ message: 'units must list the units of a clerk or supervisor' })
  @IsString({ each: true })
  units?: string[];
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
  if (!Array.isArray(json)) throw new ConfigurationError(`${origin}: expected a JSON array of tokens`);
  const problems: string[] = [];
  const seen = new Set<string>();
  const names = new Map<string, number>();
  const entries = json.map((raw, i) => {
    const entry = plainToInstance(TokenEntry, raw);
    const label = typeof entry.name === 'string' ? `[${i}] (${entry.name})` : `[${i}]`;
    for (const e of validateSync(entry)) {
      problems.push(`${label}.${e.property}: ${[...new Set(Object.values(e.constraints ?? {}))].join('; ')}`);
    }
    if (seen.has(entry.token)) problems.push(`${label}.token: duplicate token`);
    seen.add(entry.token);
    // The name is the caller's identity in the audit trail and the idempotency scope: two people (or two
    // tokens of different roles) under one name would share both, so the file must keep names apart.
    const first = names.get(entry.name);
    if (first !== undefined) {
      problems.push(
        `${label}.name: "${entry.name}" is already the name of entry [${first}]; names must be unique`,
      );
    } else names.set(entry.name, i);
    return {
      token: entry.token,
      principal: { subject: entry.name, role: entry.role, units: entry.units ?? [] },
    };
  });
  if (problems.length) throw new ConfigurationError(`${origin} is invalid:\n  ${problems.join('\n  ')}`);
  return new TokenRegistry(entries);
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
