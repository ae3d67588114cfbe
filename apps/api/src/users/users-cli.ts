import { parseArgs } from 'node:util';
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

/** `npm run users -- <command>`: the users file's only writer besides an editor; every write is atomic. */
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
  const users = readUsersFile(file, { missingIsEmpty: true });
  const index = users.findIndex((u) => u.name === name);
  const existing = index >= 0 ? users[index] : undefined;
  const replace = (user: UserRecord) => users.map((u, i) => (i === index ? user : u));

  switch (command) {
    case 'add': {
      if (existing) throw new UsageError(`"${name}" is already in ${file}; use passwd, enable or disable`);
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
      // Check the role and units before asking for a password (the file's own rules, with a placeholder hash).
      writeCheck([...users, { ...draft, passwordHash: PLACEHOLDER }]);
      const passwordHash = await hashPassword(await newPassword(io));
      writeUsersFile(file, [...users, { ...draft, passwordHash }]);
      io.out(`added ${name} (${draft.role}${units?.length ? `, units ${units.join(', ')}` : ''}) to ${file}`);
      return;
    }
    case 'passwd': {
      if (!existing) throw new UsageError(`no user "${name}" in ${file}`);
      const passwordHash = await hashPassword(await newPassword(io));
      writeUsersFile(file, replace({ ...existing, passwordHash }));
      io.out(`new password for ${name}; their open sessions are ended`);
      return;
    }
    case 'disable':
    case 'enable': {
      if (!existing) throw new UsageError(`no user "${name}" in ${file}`);
      const { disabled: _, ...rest } = existing;
      writeUsersFile(file, replace(command === 'disable' ? { ...rest, disabled: true } : rest));
      io.out(
        command === 'disable'
          ? `${name} is disabled; their open sessions are refused from their next request`
          : `${name} is enabled`,
      );
      return;
    }
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
