import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A user as the server knows it: login name, password and groups (roles such as `$admins`). */
export interface UserAccount {
  readonly username: string;
  readonly password: string;
  readonly groups: readonly string[];
}

/** The users a fresh EventStoreDB node has, with their well-known default password. */
export const DEFAULT_USERS: readonly UserAccount[] = [
  { username: 'admin', password: 'changeit', groups: ['$admins'] },
  { username: 'ops', password: 'changeit', groups: ['$ops'] },
];

/**
 * A `--users-file`: a JSON array of `{ "username", "password", "groups": [] }`, replacing the defaults
 * (so `changeit` can be retired). Throws a message naming what is wrong.
 */
export function loadUsersFile(file: string): UserAccount[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--users-file ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`--users-file ${file}: expected a non-empty JSON array of users`);
  }
  return parsed.map((entry: unknown, i) => {
    const user = entry as Partial<Record<keyof UserAccount, unknown>>;
    const groups = user?.groups ?? [];
    if (
      typeof user?.username !== 'string' ||
      user.username === '' ||
      user.username.includes(':') ||
      typeof user.password !== 'string' ||
      user.password === '' ||
      !Array.isArray(groups) ||
      !groups.every((g) => typeof g === 'string')
    ) {
      throw new Error(
        `--users-file ${file}: user #${i + 1} needs a username (without ':'), a password and groups (strings)`,
      );
    }
    return { username: user.username, password: user.password, groups: groups as string[] };
  });
}

/** Who a call runs as: a known user, or nobody (no credentials sent). */
export type Principal = { readonly kind: 'user'; readonly name: string; readonly roles: ReadonlySet<string> };
export const ANONYMOUS = { kind: 'anonymous' } as const;
export type Caller = Principal | typeof ANONYMOUS;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks HTTP basic credentials from the call metadata (`authorization: Basic base64(user:pass)`). */
export class UserDirectory {
  private readonly users = new Map<string, { password: Buffer; principal: Principal }>();

  constructor(users: readonly UserAccount[]) {
    for (const user of users) {
      this.users.set(user.username, {
        password: digest(user.password),
        principal: { kind: 'user', name: user.username, roles: new Set([user.username, ...user.groups]) },
      });
    }
  }

  /** The user of that name, if there is one (a client certificate's common name). */
  named(name: string): Caller | undefined {
    return this.users.get(name)?.principal;
  }

  /** The caller, or undefined for credentials that are malformed, unknown or wrong (NotAuthenticated). */
  authenticate(authorization: string | undefined): Caller | undefined {
    if (authorization === undefined) return ANONYMOUS;
    const match = /^Basic\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = this.users.get(decoded.slice(0, colon));
    // Hashes of equal length, compared in constant time.
    const given = digest(decoded.slice(colon + 1));
    if (!user || !timingSafeEqual(given, user.password)) return undefined;
    return user.principal;
  }
}
