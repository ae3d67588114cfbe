import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../config/environment';
import { hashPassword, verifyPassword } from './password-hash';
import { UsersFile, parseUsers, readUsersFile, writeUsersFile, type UserRecord } from './users-file';

let dir: string;
let hash: string;
beforeAll(async () => {
  hash = await hashPassword('mật-khẩu-đúng');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'users-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lan = (): UserRecord => ({ name: 'lan', role: 'clerk', units: ['SCT'], passwordHash: hash });

describe('password hashes', () => {
  it('verify the password they were made from, and no other', async () => {
    expect(hash).toMatch(/^\$scrypt\$v=1\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    await expect(verifyPassword('mật-khẩu-đúng', hash)).resolves.toBe(true);
    await expect(verifyPassword('mật-khẩu-sai', hash)).resolves.toBe(false);
    await expect(verifyPassword('mật-khẩu-đúng', 'mật-khẩu-đúng')).resolves.toBe(false);
  });

  it('salt each hash: one password twice gives two hashes, both verifying', async () => {
    const again = await hashPassword('mật-khẩu-đúng');
    expect(again).not.toBe(hash);
    await expect(verifyPassword('mật-khẩu-đúng', again)).resolves.toBe(true);
  });

  it('read their cost from the string, and refuse a cost that would stall logins', async () => {
    const cheaper = hash.replace('ln=15', 'ln=14');
    await expect(verifyPassword('mật-khẩu-đúng', cheaper)).resolves.toBe(false); // same salt, other cost
    await expect(verifyPassword('mật-khẩu-đúng', hash.replace('ln=15', 'ln=30'))).resolves.toBe(false);
  });
});

describe('the users file', () => {
  it('takes the tokens file rules for names, roles and units, and refuses anything but a hash', () => {
    expect(() =>
      parseUsers([
        { name: 'a', role: 'janitor', passwordHash: hash },
        { name: 'b', role: 'clerk', passwordHash: hash },
        { name: 'c', role: 'admin', passwordHash: 'plain-password' },
        { name: 'a', role: 'admin', passwordHash: hash },
      ]),
    ).toThrow(
      /\[0\] \(a\)\.role[\s\S]*\[1\] \(b\)\.units: [^\n]*units must list[\s\S]*\[2\] \(c\)\.passwordHash: passwordHash must be a hash[\s\S]*\[3\] \(a\)\.name: "a" is already/,
    );
  });

  it('is written whole by a rename: owner-only, no temporary file left, the old inode replaced', () => {
    const path = join(dir, 'users.json');
    writeUsersFile(path, [lan()]);
    const first = statSync(path);
    writeUsersFile(path, [lan(), { name: 'cchc', role: 'reform-office', passwordHash: hash }]);
    const second = statSync(path);
    expect(second.ino).not.toBe(first.ino);
    expect(second.mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['users.json']);
    expect(readUsersFile(path).map((u) => u.name)).toEqual(['lan', 'cchc']);
    expect(readFileSync(path, 'utf8')).not.toMatch(/mật-khẩu/);
  });

  it('refuses to write an invalid set, leaving the file as it was', () => {
    const path = join(dir, 'users.json');
    writeUsersFile(path, [lan()]);
    const before = readFileSync(path, 'utf8');
    expect(() => writeUsersFile(path, [lan(), lan()])).toThrow(ConfigurationError);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['users.json']);
  });

  it('as the API reads it: a change on disk is seen at the next look-up; a broken file refuses everyone', () => {
    const path = join(dir, 'users.json');
    expect(() => new UsersFile(path)).toThrow(/cannot read TRACKER_USERS_FILE[\s\S]*npm run users -- add/);
    writeUsersFile(path, [lan()]);
    const users = new UsersFile(path);
    expect(users.find('lan')).toMatchObject({ role: 'clerk', units: ['SCT'] });
    writeUsersFile(path, [{ ...lan(), disabled: true }]);
    expect(users.find('lan')?.disabled).toBe(true);
    writeFileSync(path, '[{"name": "lan", "role": "clerk"');
    expect(users.find('lan')).toBeUndefined();
    writeUsersFile(path, [lan()]);
    expect(users.find('lan')?.disabled).toBeUndefined();
  });
});
