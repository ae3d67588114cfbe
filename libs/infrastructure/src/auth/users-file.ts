import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ConfigurationError } from '../config/environment';
import { IdentityEntry, parseIdentityEntries, principalOf, type Principal } from './identity-entry';
import { PASSWORD_HASH_FORMAT } from './password-hash';

/** One person of the users file (TRACKER_USERS_FILE): the tokens file's name, role and units, and a hash. */
class UserEntry extends IdentityEntry {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  // Only a hash is ever accepted: a plain password put in the file by hand is refused at start.
  @Matches(PASSWORD_HASH_FORMAT, { message: 'passwordHash must be a hash written by `npm run users`' })
  passwordHash!: string;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export type UserRecord = Readonly<{
  name: string;
  displayName?: string;
  role: Principal['role'];
  units?: readonly string[];
  passwordHash: string;
  disabled?: boolean;
}>;

export function parseUsers(json: unknown, origin = 'users file'): UserRecord[] {
  return parseIdentityEntries(json, UserEntry, origin).map((e) => ({
    name: e.name,
    ...(e.displayName !== undefined ? { displayName: e.displayName } : {}),
    role: e.role,
    ...(e.units !== undefined ? { units: e.units } : {}),
    passwordHash: e.passwordHash,
    ...(e.disabled ? { disabled: true } : {}),
  }));
}

export const userPrincipal = (user: UserRecord): Principal =>
  principalOf({ name: user.name, role: user.role, units: user.units ? [...user.units] : undefined });

/** Changes when the user's password does: a session remembers it and ends when it changes. */
export const credentialOf = (user: UserRecord): string =>
  createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 22);

/** The users of a file; none when it does not exist yet (the first `npm run users -- add` creates it). */
export function readUsersFile(path: string, options: { missingIsEmpty?: boolean } = {}): UserRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (options.missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    const hint =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? ' (create it with `npm run users -- add <name> --role <role>`)'
        : '';
    throw new ConfigurationError(
      `cannot read TRACKER_USERS_FILE ${path}: ${(error as Error).message}${hint}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`TRACKER_USERS_FILE ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseUsers(json, path);
}

/**
 * Replaces the file at once (a temporary file beside it, synced, renamed over it, the directory synced): a
 * reader sees the old users or the new ones, never half a file, even across a crash. Owner-only permissions.
 */
export function writeUsersFile(path: string, users: readonly UserRecord[]): void {
  parseUsers(users, 'the users to write'); // never write a file the API would refuse
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.users.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(users, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * The users file as the API reads it: loaded at start (an unreadable or invalid file stops the start), and
 * read again whenever it changes on disk, so a user disabled or removed is refused on their next request.
 * A change that makes the file unreadable refuses every user until it is fixed (and says why, once).
 */
export class UsersFile {
  private users = new Map<string, UserRecord>();
  private version = '';
  private broken?: string;
  private readonly logger = new Logger('users-file');

  constructor(readonly path: string) {
    this.load(this.stamp());
  }

  find(name: string): UserRecord | undefined {
    const stamp = this.stamp();
    if (stamp !== this.version) {
      try {
        this.load(stamp);
        if (this.broken) this.logger.log(`${this.path} is readable again`);
        this.broken = undefined;
      } catch (error) {
        this.users = new Map();
        this.version = stamp;
        this.broken = (error as Error).message;
        this.logger.error(`${this.broken}\nevery login and session is refused until the file is fixed`);
      }
    }
    return this.users.get(name);
  }

  private stamp(): string {
    try {
      const s = statSync(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }

  private load(stamp: string): void {
    const users = readUsersFile(this.path);
    this.users = new Map(users.map((u) => [u.name, u]));
    this.version = stamp;
  }
}
