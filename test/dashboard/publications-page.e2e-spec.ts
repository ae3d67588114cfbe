import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { CHROMIUM, hasChromium, launchBrowser, loginAs, screenshot } from './browser';

// The admins' publication page (decisions, their items, made public, the seven components), in Debian's
// Chromium over the API.
jest.setTimeout(120_000);

if (!hasChromium) console.warn(`test/dashboard skipped: ${CHROMIUM} is missing`);
const describeWithChromium = hasChromium ? describe : describe.skip;

let api: ApiHarness;
let browser: Browser;
let baseURL: string;

beforeAll(async () => {
  if (!hasChromium) return;
  api = await startApi();
  await api.app.listen(0, '127.0.0.1');
  baseURL = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  const procedure = {
    units: ['SCT'],
    timeLimit: { value: 5, unit: 'working-days' },
    onlineLevel: 'full',
    feeRequired: false,
    requiresWrittenResult: true,
  };
  await admin
    .put('/api/procedures/CT.01')
    .send({
      ...procedure,
      name: 'Cấp Giấy phép bán lẻ sản phẩm rượu',
      publicComponents: ['name', 'steps', 'methods', 'dossier', 'timeLimit', 'subjects', 'agency'],
    })
    .expect(200);
  await admin
    .put('/api/procedures/CT.02')
    .send({
      ...procedure,
      name: 'Cấp Giấy chứng nhận đủ điều kiện kinh doanh xăng dầu',
      publicComponents: ['name'],
    })
    .expect(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describeWithChromium('publication page (Chromium over the API)', () => {
  it('an admin records a decision (400 errors beside the fields first), makes an item public and sees the verdicts', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.admin, '/publications.html');
    await page.waitForSelector('#decision select[name=itemProcedure] option[value="CT.01"]', {
      state: 'attached',
    });
    // The seven components: CT.01 has all, CT.02 one.
    await expect(
      page.locator('#components tr[data-procedure="CT.01"] td').last().textContent(),
    ).resolves.toBe('Có');
    await expect(
      page.locator('#components tr[data-procedure="CT.02"] td').last().textContent(),
    ).resolves.toBe('Chưa');

    await page.fill('#decision input[name=id]', 'QD.2025.12');
    await page.selectOption('#decision select[name=itemProcedure]', 'CT.01');
    await page.click('#decision button[type=submit]');
    // The 400 arrives after the click: wait for its field errors before reading them.
    await page.locator('#decision [data-error-for="decisionNo"]:not(:empty)').waitFor();
    await expect(page.locator('#decision [data-error-for="decisionNo"]').textContent()).resolves.toMatch(
      /decisionNo/,
    );
    await expect(page.locator('#decision [data-error-for="decidedOn"]').textContent()).resolves.toMatch(
      /decidedOn/,
    );
    expect(await page.getAttribute('#decision input[name=decisionNo]', 'aria-invalid')).toBe('true');

    await page.fill('#decision input[name=decisionNo]', '12/QĐ-UBND');
    await page.fill('#decision input[name=decidedOn]', '2025-01-20');
    await page.fill('#decision input[name=basisEffectiveOn]', '2025-02-10');
    await page.click('#add-item');
    await page.locator('#decision select[name=itemProcedure]').nth(1).selectOption('CT.02');
    await page.locator('#decision select[name=itemChange]').nth(1).selectOption('abolished');
    await page.click('#decision button[type=submit]');
    await page.locator('#decision-ok:not(.hidden)').waitFor();
    await expect(page.locator('#decision-ok').textContent()).resolves.toMatch(
      /12\/QĐ-UBND.*2 TTHC.*03\/02\/2025/,
    );

    await page.selectOption('#made-public select[name=procedureCode]', 'CT.01');
    await page.fill('#made-public input[name=madePublicOn]', '2025-01-22');
    await page.click('#made-public button[type=submit]');
    await page.locator('#made-public-ok:not(.hidden)').waitFor();
    await expect(page.locator('#made-public-ok').textContent()).resolves.toMatch(
      /CT\.01.*22\/01\/2025.*đúng hạn/,
    );

    const row = (code: string) => page.locator(`#decisions tr[data-procedure="${code}"]`);
    await expect(row('CT.01').locator('[data-cell="1.1"]').textContent()).resolves.toBe('Đúng hạn');
    await expect(row('CT.01').locator('[data-cell="1.2"]').textContent()).resolves.toBe('Đúng hạn');
    await expect(row('CT.02').locator('[data-cell="1.2"]').textContent()).resolves.toBe('Trễ hạn');
    const listed = (await api.as(TOKENS.reform).get('/api/publications').expect(200)).body;
    expect(listed[0].items.map((i: { madePublicOn: string | null }) => i.madePublicOn)).toEqual([
      '2025-01-22',
      null,
    ]);
    await screenshot(page, 'publications.png');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the reform office reads the decisions without the forms', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.reform, '/publications.html');
    await page.waitForSelector('#decisions tr[data-procedure="CT.01"]');
    expect(await page.isVisible('#decision')).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
