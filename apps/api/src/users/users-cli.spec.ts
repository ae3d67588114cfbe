import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readUsersFile, verifyPassword } from '@tracker/infrastructure';
import { UsageError, runUsersCli } from './users-cli';

jest.setTimeout(60_000);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'users-cli-'));
  file = join(dir, 'users.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(argv: string[], password = 'mật-khẩu-đủ-dài') {
  const out: string[] = [];
  const asked = { count: 0 };
  const run = runUsersCli(argv, {
    file,
    readPassword: () => {
      asked.count++;
      return Promise.resolve(password);
    },
    out: (line) => out.push(line),
  });
  return { run, out, asked };
}

describe('npm run users', () => {
  it('adds a user with a hash of the password read, then changes it, disables and enables them', async () => {
    await cli(['add', 'lan', '--role', 'clerk', '--units', 'SCT, HOIAN', '--display-name', 'Nguyễn Thị Lan'])
      .run;
    let [lan] = readUsersFile(file);
    expect(lan).toMatchObject({
      name: 'lan',
      displayName: 'Nguyễn Thị Lan',
      role: 'clerk',
      units: ['SCT', 'HOIAN'],
    });
    await expect(verifyPassword('mật-khẩu-đủ-dài', lan.passwordHash)).resolves.toBe(true);

    await cli(['passwd', 'lan'], 'mật-khẩu-mới-đây').run;
    [lan] = readUsersFile(file);
    await expect(verifyPassword('mật-khẩu-mới-đây', lan.passwordHash)).resolves.toBe(true);
    await expect(verifyPassword('mật-khẩu-đủ-dài', lan.passwordHash)).resolves.toBe(false);

    await cli(['disable', 'lan']).run;
    expect(readUsersFile(file)[0].disabled).toBe(true);
    const listed = cli(['list']);
    await listed.run;
    expect(listed.out).toEqual(['lan\tclerk SCT,HOIAN\tNguyễn Thị Lan\t(disabled)']);
    await cli(['enable', 'lan']).run;
    expect(readUsersFile(file)[0].disabled).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['users.json']);
  });

  it('keeps a change another admin made while the password was being typed, and two runs at once both land', async () => {
    await cli(['add', 'lan', '--role', 'clerk', '--units', 'SCT']).run;
    await cli(['add', 'minh', '--role', 'supervisor', '--units', 'SCT']).run;
    // While lan's new password is typed, another admin disables minh and adds hoa.
    await runUsersCli(['passwd', 'lan'], {
      file,
      readPassword: async () => {
        await cli(['disable', 'minh']).run;
        await cli(['add', 'hoa', '--role', 'reform-office']).run;
        return 'mật-khẩu-mới-đây';
      },
      out: () => undefined,
    });
    const users = readUsersFile(file);
    expect(users.map((u) => [u.name, u.disabled ?? false])).toEqual([
      ['lan', false],
      ['minh', true],
      ['hoa', false],
    ]);
    await expect(verifyPassword('mật-khẩu-mới-đây', users[0].passwordHash)).resolves.toBe(true);

    // Two adds at once: one after the other, neither lost.
    await Promise.all([
      cli(['add', 'an', '--role', 'clerk', '--units', 'SCT']).run,
      cli(['add', 'binh', '--role', 'clerk', '--units', 'SCT']).run,
    ]);
    expect(readUsersFile(file).map((u) => u.name)).toEqual(
      expect.arrayContaining(['lan', 'minh', 'hoa', 'an', 'binh']),
    );
    expect(readdirSync(dir)).toEqual(['users.json']);
  });

  it('refuses a bad role or a clerk without units before asking for the password', async () => {
    const bad = cli(['add', 'x', '--role', 'janitor']);
    await expect(bad.run).rejects.toThrow(/role must be one of/);
    const noUnits = cli(['add', 'y', '--role', 'supervisor']);
    await expect(noUnits.run).rejects.toThrow(/units must list/);
    expect(bad.asked.count + noUnits.asked.count).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second user of one name, an unknown user, a short password and an unknown command', async () => {
    await cli(['add', 'lan', '--role', 'admin']).run;
    await expect(cli(['add', 'lan', '--role', 'admin']).run).rejects.toThrow(/already in/);
    await expect(cli(['passwd', 'nobody']).run).rejects.toThrow(/no user "nobody"/);
    await expect(cli(['add', 'minh', '--role', 'admin'], 'ngắn').run).rejects.toThrow(/at least 8/);
    await expect(cli(['remove', 'lan']).run).rejects.toThrow(UsageError);
    expect(readUsersFile(file).map((u) => u.name)).toEqual(['lan']);
  });

  it('as a command, reads the password from a pipe and keeps only its hash', async () => {
    const root = resolve(__dirname, '../../../..');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          'apps/api/src/users/users.main.ts',
          'add',
          'cchc',
          '--role',
          'reform-office',
        ],
        { cwd: root, env: { ...process.env, TRACKER_USERS_FILE: file } },
        (error, stdout, stderr) => done({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
      child.stdin!.end('một mật khẩu dài\n');
    });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/added cchc \(reform-office\)/) });
    const [cchc] = readUsersFile(file);
    await expect(verifyPassword('một mật khẩu dài', cchc.passwordHash)).resolves.toBe(true);
  });
});
