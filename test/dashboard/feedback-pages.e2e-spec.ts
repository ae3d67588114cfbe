import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { CHROMIUM, hasChromium, launchBrowser, loginAs, screenshot } from './browser';

// The feedback (PAKN) page for clerks and the feedback rows of the supervisor board, in Debian's Chromium
// over the API + worker (as `npm start` runs them).
jest.setTimeout(120_000);

if (!hasChromium) console.warn(`test/dashboard skipped: ${CHROMIUM} is missing`);
const describeWithChromium = hasChromium ? describe : describe.skip;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let api: ApiHarness;
let browser: Browser;
let baseURL: string;

beforeAll(async () => {
  if (!hasChromium) return;
  api = await startApi({ worker: true });
  await api.app.listen(0, '127.0.0.1');
  baseURL = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin.put('/api/units/HOIAN').send({ name: 'Thành phố Hội An', level: 'district' }).expect(200);
  await admin
    .put('/api/procedures/CT.01')
    .send({
      name: 'Cấp Giấy phép bán lẻ sản phẩm rượu',
      units: ['SCT'],
      timeLimit: { value: 5, unit: 'working-days' },
      onlineLevel: 'full',
      feeRequired: true,
      requiresWrittenResult: true,
      effectiveFrom: iso(Date.now() - 400 * DAY),
    })
    .expect(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describeWithChromium('feedback pages (Chromium over the API + worker)', () => {
  it('the clerk receives an item (400 errors beside the fields first), records its answer and sees it in the list', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.clerkA, '/feedback.html');
    await page.waitForSelector('#receive select[name=unitId] option', { state: 'attached' });
    // No summary: the API's 400 lands beside the field.
    await page.selectOption('#receive select[name=about]', 'dossier');
    await page.click('#receive button[type=submit]');
    await expect(page.locator('#receive [data-error-for="summary"]').textContent()).resolves.toMatch(
      /summary/,
    );
    await expect(page.locator('#receive [data-error-for="dossierCode"]').textContent()).resolves.toMatch(
      /dossierCode/,
    );
    expect(await page.getAttribute('#receive input[name=summary]', 'aria-invalid')).toBe('true');

    await page.selectOption('#receive select[name=about]', 'procedure');
    await page.fill('#receive input[name=id]', 'PAKN-UI-1');
    await page.fill('#receive input[name=summary]', 'Yêu cầu nộp bản sao giấy tờ không có trong quy định');
    await page.click('#receive button[type=submit]');
    await page.locator('#received-ok').waitFor();
    await expect(page.locator('#received-ok').textContent()).resolves.toMatch(/PAKN-UI-1.*hạn trả lời/);

    // The answer without its text: the error beside the field; then with it.
    await page.selectOption('#step select[name=type]', 'answered');
    await page.click('#step button[type=submit]');
    await expect(page.locator('#step [data-error-for="summary"]').textContent()).resolves.toMatch(/summary/);
    await page.fill('#step input[name=summary]', 'Đã hướng dẫn công dân theo đúng quy định');
    await page.click('#step button[type=submit]');
    await page.locator('#step-ok').waitFor();
    await expect(page.locator('#step-ok').textContent()).resolves.toMatch(/chờ công khai/);
    // A publication before the answer would be refused: here it follows it.
    await page.selectOption('#step select[name=type]', 'answer-published');
    await page.click('#step button[type=submit]');
    await expect(page.locator('#step-ok').textContent()).resolves.toMatch(/Đã công khai/);

    await api.waitForProjections();
    await page.selectOption('#f-status', 'published');
    const row = page.locator('#list tr[data-id="PAKN-UI-1"]');
    await row.waitFor();
    await row.click();
    await page.locator('#detail .timeline li').nth(2).waitFor();
    await expect(page.locator('#detail').textContent()).resolves.toMatch(/Đã công khai kết quả/);
    await screenshot(page, 'feedback.png');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the supervisor board shows an overdue feedback item beside the dossiers, labelled PAKN, without reloading', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.supervisorA);
    await page.waitForSelector('body[data-live="true"]');
    await page.evaluate('window.marker = 1');
    // Received 40 days ago (more than 15 working days, even across Tết): its answer is overdue at once.
    await api
      .as(TOKENS.clerkA)
      .post('/api/feedback')
      .send({
        id: 'PAKN-LATE-1',
        unitId: 'SCT',
        receivedAt: iso(Date.now() - 40 * DAY),
        channel: 'national-portal',
        about: 'staff',
        summary: 'Cán bộ hẹn nhiều lần chưa giải quyết',
      })
      .expect(201);
    const row = page.locator('#col-overdue tr[data-code="PAKN-LATE-1"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-subject')).toBe('feedback');
    await expect(row.locator('td').first().textContent()).resolves.toMatch(/PAKN/);
    expect(await page.evaluate('window.marker')).toBe(1);
    await screenshot(page, 'board-feedback.png');
    await row.locator('a').click();
    await page.waitForURL(/feedback\.html\?id=PAKN-LATE-1/);
    await page.locator('#detail .timeline li').nth(1).waitFor();
    await expect(page.locator('#detail').textContent()).resolves.toMatch(/Quá hạn/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
