import { plainToInstance } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsString, MinLength, ValidateIf, validateSync } from 'class-validator';
import { ConfigurationError } from '../config/environment';

export const ROLES = ['clerk', 'supervisor', 'reform-office', 'admin'] as const;
export type TokenRole = (typeof ROLES)[number];

/**
 * One caller, as the tokens file or the users file describes them. `subject` is the entry's `name`, which the
 * file keeps unique: it is the caller's identity (the audit `actor`, the Idempotency-Key scope, the SSE cap).
 * `displayName` is what the pages show for a person of the users file.
 */
export type Principal = Readonly<{
  subject: string;
  role: TokenRole;
  units: readonly string[];
  displayName?: string;
}>;

/** What a tokens-file entry and a users-file entry share: one set of rules for the name, role and units. */
export class IdentityEntry {
  @IsString()
  @MinLength(1)
  name!: string;

  @IsIn(ROLES)
  role!: TokenRole;

  // Required for clerks and supervisors (without units they could do nothing, silently); optional otherwise.
  @ValidateIf((o: IdentityEntry) => o.role === 'clerk' || o.role === 'supervisor' || o.units !== undefined)
  @IsArray({ message: 'units must list the units of a clerk or supervisor' })
  @ArrayNotEmpty({ message: 'units must list the units of a clerk or supervisor' })
  @IsString({ each: true })
  units?: string[];
}

export const principalOf = (entry: IdentityEntry): Principal => ({
  subject: entry.name,
  role: entry.role,
  units: entry.units ?? [],
});

/**
 * Validates a JSON array of entries of `type` (an IdentityEntry with more fields); `check` adds the file's own
 * rules. Throws one ConfigurationError naming every bad field of every entry.
 */
export function parseIdentityEntries<T extends IdentityEntry>(
  json: unknown,
  type: new () => T,
  origin: string,
  check?: (entry: T, label: string, problems: string[]) => void,
): T[] {
  if (!Array.isArray(json)) throw new ConfigurationError(`${origin}: expected a JSON array of entries`);
  const problems: string[] = [];
  const names = new Map<string, number>();
  const entries = json.map((raw: unknown, i) => {
    const entry = plainToInstance(type, raw);
    const label = typeof entry.name === 'string' ? `[${i}] (${entry.name})` : `[${i}]`;
    for (const e of validateSync(entry)) {
      problems.push(`${label}.${e.property}: ${[...new Set(Object.values(e.constraints ?? {}))].join('; ')}`);
    }
    check?.(entry, label, problems);
    // The name is the caller's identity in the audit trail and the idempotency scope: two people (or two
    // tokens of different roles) under one name would share both, so the file must keep names apart.
    const first = names.get(entry.name);
    if (first !== undefined) {
      problems.push(
        `${label}.name: "${entry.name}" is already the name of entry [${first}]; names must be unique`,
      );
    } else names.set(entry.name, i);
    return entry;
  });
  if (problems.length) throw new ConfigurationError(`${origin} is invalid:\n  ${problems.join('\n  ')}`);
  return entries;
}
