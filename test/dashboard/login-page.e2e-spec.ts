import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, writeUsersFile } from '@tracker/infrastructure';
import type { Browser } from 'playwright-core';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { CHROMIUM, hasChromium, launchBrowser, screenshot } from './browser';

// The login page with a users file (TRACKER_USERS_FILE): a supervisor logs in with a name and password,
// sees only their unit's dossiers on the board, and logs out. Chromium over the API + worker on a real port.
jest.setTimeout(120_000);

if (!hasChromium) {
  console.warn(`test/dashboard skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`);
}
const describeWithChromium = hasChromium ? describe : describe.skip;

const DAY = 24 * 3_600_000;
const PASSWORD = 'mật-khẩu-của-minh';
let api: ApiHarness;
let browser: Browser;
let baseURL: string;
let dir: string;

/** A weekday at 09:00 Vietnam time, `daysAgo` calendar days before now (moved back off weekends). */
function weekdayMorning(daysAgo: number): string {
  let t = Date.now() - daysAgo * DAY;
  for (;;) {
    const local = new Date(t + 7 * 3_600_000);
    const dow = local.getUTCDay();
    if (dow !== 0 && dow !== 6) {
      return new Date(
        Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 2, 0),
      ).toISOString();
    }
    t -= DAY;
  }
}

beforeAll(async () => {
  if (!hasChromium) return;
  dir = mkdtempSync(join(tmpdir(), 'tracker-login-page-'));
  const usersPath = join(dir, 'users.json');
  writeUsersFile(usersPath, [
    {
      name: 'minh',
      displayName: 'Trần Văn Minh',
      role: 'supervisor',
      units: ['SCT'],
      passwordHash: await hashPassword(PASSWORD),
    },
  ]);
  api = await startApi({ worker: true, env: { TRACKER_USERS_FILE: usersPath } });
  await api.app.listen(0, '127.0.0.1');
  baseURL = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin.put('/api/units/HOIAN').send({ name: 'Thành phố Hội An', level: 'district' }).expect(200);
  await admin
    .put('/api/procedures/CT.01')
    .send({
      name: 'Cấp Giấy phép bán lẻ sản phẩm rượu',
      units: ['SCT', 'HOIAN'],
      timeLimit: { value: 5, unit: 'working-days' },
      onlineLevel: 'full',
      feeRequired: false,
      requiresWrittenResult: true,
      effectiveFrom: new Date(Date.now() - 60 * DAY).toISOString(),
    })
    .expect(200);
  // Received 25 calendar days ago with a five-working-day limit: both are overdue once the worker sees them.
  for (const [code, unitId, token] of [
    ['LATE-SCT', 'SCT', TOKENS.clerkA],
    ['LATE-HOIAN', 'HOIAN', TOKENS.clerkB],
  ] as const) {
    await api
      .as(token)
      .post('/api/dossiers')
      .send({ code, unitId, procedureCode: 'CT.01', channel: 'in-person', receivedAt: weekdayMorning(25) })
      .expect(201);
  }
  // Both are on the reform office's board before the supervisor looks: the other unit's is there to be hidden.
  for (let i = 0; ; i++) {
    const alerts = (await api.as(TOKENS.reform).get('/api/alerts').expect(200)).body.alerts as {
      code: string;
      kind: string;
    }[];
    const overdue = new Set(alerts.filter((a) => a.kind === 'overdue').map((a) => a.code));
    if (overdue.has('LATE-SCT') && overdue.has('LATE-HOIAN')) break;
    if (i > 300) throw new Error(`the two dossiers did not become overdue: ${JSON.stringify(alerts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describeWithChromium('login page (a users file)', () => {
  it('logs a supervisor in by name and password, shows only their unit, and logs out', async () => {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 1366, height: 768 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
    });

    await page.goto('/?next=/board.html');
    const form = page.locator('#password-login');
    await form.waitFor();
    expect(await page.locator('#token-login').getAttribute('open')).toBeNull();

    // Errors beside the fields: nothing typed, then a wrong password.
    await form.locator('button[type=submit]').click();
    await expect(form.locator('[data-error-for="name"]').textContent()).resolves.toBe('Nhập tên đăng nhập.');
    await page.fill('#name', 'minh');
    await page.fill('#password', 'không-phải-mật-khẩu');
    await form.locator('button[type=submit]').click();
    await form.locator('[data-error-for="password"]', { hasText: 'không đúng' }).waitFor();
    await screenshot(page, 'login.png');

    await page.fill('#password', PASSWORD);
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/\/board\.html$/);
    await page.locator('header.top .who', { hasText: 'Trần Văn Minh' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'tracker_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    // Only the supervisor's own unit: the other unit's overdue dossier is not on the board, nor readable.
    await page.locator('#col-overdue tr[data-code="LATE-SCT"]').waitFor({ timeout: 30_000 });
    await page.waitForSelector('body[data-live="true"]');
    expect(await page.locator('tr[data-code="LATE-HOIAN"]').count()).toBe(0);
    const other = await page.evaluate(async () => (await fetch('/api/dossiers/LATE-HOIAN')).status);
    expect(other).toBe(404);
    await screenshot(page, 'login-board.png');

    await page.locator('header.top button', { hasText: 'Đăng xuất' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await form.waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/session')).json());
    expect((after as { caller: unknown }).caller).toBeNull();
    await page.goto('/board.html');
    await page.waitForURL((url) => url.pathname === '/' && url.search.includes('next='));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('still takes a token, under "Đăng nhập bằng mã truy cập"', async () => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('#password-login').waitFor();
    await page.locator('#token-login summary').click();
    await page.fill('#token', TOKENS.clerkA);
    await page.click('#login button[type=submit]');
    await page.waitForURL(/\/clerk\.html$/);
    await page.locator('header.top .who', { hasText: 'clerk-a' }).waitFor();
    await context.close();
  });
});
