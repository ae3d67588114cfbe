import { parseArgs } from 'node:util';
import { lock } from 'proper-lockfile';
import {
  ConfigurationError,
  hashPassword,
  parseUsers,
  readUsersFile,
  writeUsersFile,
  type UserRecord,
} from '@tracker/infrastructure';

export const USAGE = `usage (the password is read from standard input):
  npm run users -- add <name> --role clerk|supervisor|reform-office|admin [--units U1,U2] [--display-name "…"]
  npm run users -- passwd <name>
  npm run users -- disable <name>
  npm run users -- enable <name>
  npm run users -- list
the file is TRACKER_USERS_FILE (or --file <path>)`;

export const MIN_PASSWORD_LENGTH = 8;

export class UsageError extends Error {
  override name = 'UsageError';
}

export type UsersCliIo = Readonly<{
  /** TRACKER_USERS_FILE, unless --file names another. */
  file?: string;
  /** Reads a new password (twice on a terminal, without echo). */
  readPassword(): Promise<string>;
  out(line: string): void;
}>;

/**
 * `npm run users -- <command>`: the users file's only writer besides an editor; every write is atomic, and two
 * runs at once change the file one after the other (a lock beside it, `<file>.lock`, gone when released).
 */
export async function runUsersCli(argv: readonly string[], io: UsersCliIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        units: { type: 'string' },
        'display-name': { type: 'string' },
        file: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  const file = values.file ?? io.file;
  if (!file) throw new UsageError(`set TRACKER_USERS_FILE (e.g. ./data/users.json) or pass --file\n${USAGE}`);
  if (command === 'list' && name === undefined) {
    for (const u of readUsersFile(file, { missingIsEmpty: true })) {
      const units = u.units?.length ? ` ${u.units.join(',')}` : '';
      io.out(
        `${u.name}\t${u.role}${units}${u.displayName ? `\t${u.displayName}` : ''}${u.disabled ? '\t(disabled)' : ''}`,
      );
    }
    return;
  }
  if (!command || !name || extra.length > 0) throw new UsageError(USAGE);
  const change = planChange(command, name, values, file);
  // Checked against the file as it is before a password is asked for (with a placeholder hash)…
  writeCheck(change.apply(readUsersFile(file, { missingIsEmpty: true }), PLACEHOLDER));
  const passwordHash = change.needsPassword ? await hashPassword(await newPassword(io)) : PLACEHOLDER;
  // …and applied to the file as it is once the password is typed, under a lock: a change another admin made
  // meanwhile (a user disabled, another added) is kept, not overwritten by a copy read before the prompt.
  const release = await lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 20, minTimeout: 50, maxTimeout: 500 },
  }).catch((error: Error & { code?: string }) => {
    if (error.code !== 'ELOCKED') throw error;
    throw new UsageError(`${file} is being changed by another \`npm run users\`; try again`);
  });
  try {
    writeUsersFile(file, change.apply(readUsersFile(file, { missingIsEmpty: true }), passwordHash));
  } finally {
    await release();
  }
  io.out(change.done);
}

type Change = Readonly<{
  needsPassword: boolean;
  /** The users with the change made (a hash given when needsPassword); a UsageError when it cannot be. */
  apply(users: readonly UserRecord[], passwordHash: string): UserRecord[];
  done: string;
}>;

function planChange(
  command: string,
  name: string,
  values: { role?: string; units?: string; 'display-name'?: string },
  file: string,
): Change {
  /** The named user's entry replaced by `update` of it; refused when there is none. */
  const updating = (update: (user: UserRecord) => UserRecord) => (users: readonly UserRecord[]) => {
    if (!users.some((u) => u.name === name)) throw new UsageError(`no user "${name}" in ${file}`);
    return users.map((u) => (u.name === name ? update(u) : u));
  };
  switch (command) {
    case 'add': {
      if (!values.role) throw new UsageError(`add needs --role\n${USAGE}`);
      const units = values.units
        ?.split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      const draft = {
        name,
        ...(values['display-name'] ? { displayName: values['display-name'] } : {}),
        role: values.role as UserRecord['role'],
        ...(units ? { units } : {}),
      };
      return {
        needsPassword: true,
        apply: (users, passwordHash) => {
          if (users.some((u) => u.name === name)) {
            throw new UsageError(`"${name}" is already in ${file}; use passwd, enable or disable`);
          }
          return [...users, { ...draft, passwordHash }];
        },
        done: `added ${name} (${draft.role}${units?.length ? `, units ${units.join(', ')}` : ''}) to ${file}`,
      };
    }
    case 'passwd':
      return {
        needsPassword: true,
        apply: (users, passwordHash) => updating((u) => ({ ...u, passwordHash }))(users),
        done: `new password for ${name}; their open sessions are ended`,
      };
    case 'disable':
    case 'enable':
      return {
        needsPassword: false,
        apply: updating(({ disabled: _, ...rest }) =>
          command === 'disable' ? { ...rest, disabled: true } : rest,
        ),
        done:
          command === 'disable'
            ? `${name} is disabled; their open sessions are refused from their next request`
            : `${name} is enabled`,
      };
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

// A well-formed hash of nothing: lets the file's rules check an entry before its password is asked for.
const PLACEHOLDER = `$scrypt$v=1$ln=15,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`;

function writeCheck(users: UserRecord[]): void {
  try {
    parseUsers(users, 'the new entry');
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(error.message);
    throw error;
  }
}

async function newPassword(io: UsersCliIo): Promise<string> {
  const password = await io.readPassword();
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return password;
}
