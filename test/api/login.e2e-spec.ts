import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, readUsersFile, writeUsersFile, type UserRecord } from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData } from '../support/reference-data';

jest.setTimeout(120_000);

// People log in with a name and password from TRACKER_USERS_FILE (PRODUCT.md, `POST /api/session`): the
// API as main.ts configures it, the real Redis for sessions and failed attempts, the embedded event store.
let api: ApiHarness;
let dir: string;
let usersPath: string;
const PASSWORD = 'mật-khẩu-đủ-dài';

const person = async (name: string, role: UserRecord['role'], units?: string[]): Promise<UserRecord> => ({
  name,
  displayName: `Cán bộ ${name}`,
  role,
  ...(units ? { units } : {}),
  passwordHash: await hashPassword(PASSWORD),
});

function editUsers(change: (users: UserRecord[]) => UserRecord[]): void {
  writeUsersFile(usersPath, change(readUsersFile(usersPath)));
}

/** Logs in; the session cookie's `name=value` for the next requests. */
async function login(name: string, password = PASSWORD): Promise<string> {
  const res = await api.http.post('/api/session').send({ name, password }).expect(204);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
  expect(cookie).toBeDefined();
  return cookie.split(';')[0];
}

const receipt = (code: string, unitId: string) => ({
  code,
  unitId,
  procedureCode: 'P1',
  channel: 'in-person',
  receivedAt: '2025-03-03T09:00:00+07:00',
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracker-login-'));
  usersPath = join(dir, 'users.json');
  writeUsersFile(usersPath, [
    await person('lan', 'clerk', ['SCT']),
    await person('minh', 'supervisor', ['SCT']),
    await person('hoa', 'clerk', ['SCT']),
    await person('tuan', 'clerk', ['SCT']),
    await person('binh', 'clerk', ['SCT']),
  ]);
  api = await startApi({ env: { TRACKER_USERS_FILE: usersPath } });
  await putReferenceData(api);
  await api.as(TOKENS.clerkB).post('/api/dossiers').send(receipt('HOIAN-X-1', 'HOIAN')).expect(201);
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /api/session', () => {
  it('says password login is on, and nobody is logged in yet', async () => {
    const res = await api.http.get('/api/session').expect(200);
    expect(res.body).toEqual({ passwordLogin: true, caller: null });
  });

  it('names the missing fields with 400', async () => {
    const res = await api.http.post('/api/session').send({ name: '' }).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'name',
      'password',
    ]);
  });

  it('given the right password, sets an HttpOnly SameSite=Strict cookie whose holder is that person', async () => {
    const res = await api.http.post('/api/session').send({ name: 'lan', password: PASSWORD }).expect(204);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
    expect(cookie).toMatch(/^tracker_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const who = await api.http.get('/api/session').set('Cookie', cookie.split(';')[0]).expect(200);
    expect(who.body.caller).toEqual({
      name: 'lan',
      displayName: 'Cán bộ lan',
      role: 'clerk',
      units: ['SCT'],
      via: 'session',
    });
    // Redis holds the session under a hash of its id, with an expiry; never the id itself.
    const id = cookie.split(';')[0].split('=')[1];
    const redis = new Redis(api.env.REDIS_URL);
    try {
      const keys = await redis.keys(`${api.env.REDIS_KEY_PREFIX}session:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((k) => k.includes(id))).toBe(false);
      const ttl = await redis.ttl(keys[0]);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2 * 3600);
    } finally {
      redis.disconnect();
    }
  });

  it('gives a clerk by session the access of their units only, recorded under their name', async () => {
    const cookie = await login('lan');
    const mine = await api.http
      .post('/api/dossiers')
      .set('Cookie', cookie)
      .send(receipt('SCT-X-1', 'SCT'))
      .expect(201);
    expect(mine.body.code).toBe('SCT-X-1');
    const read = await api.http.get('/api/dossiers/SCT-X-1').set('Cookie', cookie).expect(200);
    expect(read.body.history[0]).toMatchObject({ actor: 'lan', role: 'clerk' });
    // Another unit's dossier is a 404 as for a token; receiving in another unit or an admin route is a 403.
    await api.http.get('/api/dossiers/HOIAN-X-1').set('Cookie', cookie).expect(404);
    await api.http
      .post('/api/dossiers')
      .set('Cookie', cookie)
      .send(receipt('HOIAN-X-2', 'HOIAN'))
      .expect(403);
    await api.http
      .put('/api/units/NEW')
      .set('Cookie', cookie)
      .send({ name: 'x', level: 'commune' })
      .expect(403);
    await api.as(TOKENS.admin).get('/api/dossiers/HOIAN-X-2').expect(404);
  });

  it('refuses a wrong password and an unknown name alike with 401', async () => {
    const wrong = await api.http.post('/api/session').send({ name: 'lan', password: 'sai-mật-khẩu' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await api.http.post('/api/session').send({ name: 'nobody', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  it('after five failures for one name, refuses its next attempts with 429 and Retry-After, right password or not', async () => {
    for (let i = 0; i < 5; i++) {
      await api.http
        .post('/api/session')
        .send({ name: 'minh', password: `sai-${i}-mật-khẩu` })
        .expect(401);
    }
    const locked = await api.http.post('/api/session').send({ name: 'minh', password: PASSWORD }).expect(429);
    expect(locked.body.error.code).toBe('TOO_MANY_LOGIN_FAILURES');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another name from the same address is not locked.
    await login('binh');
  });

  it('refuses a state-changing request whose Origin is another site; its own origin passes', async () => {
    const cookie = await login('lan');
    const res = await api.http
      .post('/api/dossiers')
      .set('Cookie', cookie)
      .set('Origin', 'http://evil.example')
      .send(receipt('SCT-X-2', 'SCT'))
      .expect(403);
    expect(res.body.error.code).toBe('CROSS_SITE');
    await api.as(TOKENS.admin).get('/api/dossiers/SCT-X-2').expect(404);
    await api.http
      .post('/api/dossiers')
      .set('Cookie', cookie)
      .set('Host', 'tracker.local:3000')
      .set('Origin', 'http://tracker.local:3000')
      .send(receipt('SCT-X-2', 'SCT'))
      .expect(201);
    await api.http
      .post('/api/session')
      .set('Origin', 'http://evil.example')
      .send({ name: 'lan', password: PASSWORD })
      .expect(403);
  });
});

describe('sessions end', () => {
  it('on DELETE /api/session: the same cookie is refused afterwards', async () => {
    const cookie = await login('lan');
    await api.http.get('/api/units').set('Cookie', cookie).expect(200);
    const out = await api.http.delete('/api/session').set('Cookie', cookie).expect(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? [])[0]).toMatch(
      /^tracker_session=; Max-Age=0/,
    );
    const after = await api.http.get('/api/units').set('Cookie', cookie).expect(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await api.http.get('/api/session').set('Cookie', cookie)).body.caller).toBeNull();
  });

  it('when the user is disabled in the file: the open session on its next request, and any new login', async () => {
    const cookie = await login('hoa');
    await api.http.get('/api/units').set('Cookie', cookie).expect(200);
    editUsers((users) => users.map((u) => (u.name === 'hoa' ? { ...u, disabled: true } : u)));
    await api.http.get('/api/units').set('Cookie', cookie).expect(401);
    const again = await api.http.post('/api/session').send({ name: 'hoa', password: PASSWORD }).expect(401);
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('when the user is removed from the file, or given a new password', async () => {
    const removed = await login('tuan');
    const renewed = await login('binh');
    await api.http.get('/api/units').set('Cookie', removed).expect(200);
    const newHash = await hashPassword('mật-khẩu-mới-123');
    editUsers((users) =>
      users
        .filter((u) => u.name !== 'tuan')
        .map((u) => (u.name === 'binh' ? { ...u, passwordHash: newHash } : u)),
    );
    await api.http.get('/api/units').set('Cookie', removed).expect(401);
    await api.http.get('/api/units').set('Cookie', renewed).expect(401);
    await login('binh', 'mật-khẩu-mới-123');
  });
});

describe('bearer tokens', () => {
  it('still work beside sessions, and a bad token is not rescued by a cookie', async () => {
    await api.as(TOKENS.clerkA).get('/api/units').expect(200);
    const who = await api.as(TOKENS.clerkA).get('/api/session').expect(200);
    expect(who.body.caller).toMatchObject({ name: 'clerk-a', role: 'clerk', units: ['SCT'], via: 'token' });
    const cookie = await login('lan');
    await api.http
      .get('/api/units')
      .set('Cookie', cookie)
      .set('Authorization', 'Bearer not-a-token')
      .expect(401);
  });
});

describe('the stranger throttle', () => {
  it('never counts requests made with a valid session; without one they are counted', async () => {
    const strict = await startApi({ env: { TRACKER_USERS_FILE: usersPath, THROTTLE_LIMIT: '3' } });
    try {
      const res = await strict.http
        .post('/api/session')
        .send({ name: 'lan', password: PASSWORD })
        .expect(204);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0].split(';')[0];
      for (let i = 0; i < 6; i++) await strict.http.get('/api/units').set('Cookie', cookie).expect(200);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await strict.http.get('/api/units')).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await strict.close();
    }
  });
});

describe('failures from one address', () => {
  // Last: it locks the test's own address.
  it('after twenty in a row over any names, refuse every name from there with 429', async () => {
    let status = 401;
    let attempts = 0;
    while (status === 401 && attempts < 25) {
      attempts++;
      status = (
        await api.http.post('/api/session').send({ name: `guess-${attempts}`, password: 'sai-mật-khẩu' })
      ).status;
    }
    expect(status).toBe(429);
    expect(attempts).toBeLessThanOrEqual(20);
    await api.http.post('/api/session').send({ name: 'lan', password: PASSWORD }).expect(429);
  });
});
