import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { CHROMIUM, hasChromium, launchBrowser, loginAs, screenshot } from './browser';

// The dashboard's pages in Debian's Chromium over the API + worker (as `npm start` runs them) on a real port.
jest.setTimeout(120_000);

if (!hasChromium) {
  console.warn(`test/dashboard skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`);
}
const describeWithChromium = hasChromium ? describe : describe.skip;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** A weekday at 09:00 Vietnam time, `daysAgo` calendar days before now (moved back off weekends). */
function weekdayMorning(daysAgo: number): number {
  let t = Date.now() - daysAgo * DAY;
  for (;;) {
    const local = new Date(t + 7 * HOUR);
    const dow = local.getUTCDay();
    if (dow !== 0 && dow !== 6) {
      return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 2, 0); // 09:00 +07
    }
    t -= DAY;
  }
}
/** The last complete quarter (Vietnam time), the page's default period. */
function lastQuarter(): { period: string; startMs: number } {
  const now = new Date(Date.now() + 7 * HOUR);
  let q = Math.floor(now.getUTCMonth() / 3);
  let y = now.getUTCFullYear();
  if (q === 0) {
    q = 4;
    y -= 1;
  }
  return { period: `${y}-Q${q}`, startMs: Date.UTC(y, (q - 1) * 3, 1) - 7 * HOUR };
}

let api: ApiHarness;
let browser: Browser;
let baseURL: string;
const quarter = lastQuarter();

async function seed(): Promise<void> {
  const admin = api.as(TOKENS.admin);
  for (const [id, name, level] of [
    ['SCT', 'Sở Công Thương', 'department'],
    ['SNGV', 'Sở Ngoại vụ', 'department'],
    ['SKHCN', 'Sở Khoa học và Công nghệ', 'department'],
    ['HOIAN', 'Thành phố Hội An', 'district'],
  ])
    await admin.put(`/api/units/${id}`).send({ name, level }).expect(200);
  const procedures = [
    {
      code: 'CT.01',
      name: 'Cấp Giấy phép bán lẻ sản phẩm rượu',
      units: ['SCT'],
      onlineLevel: 'full',
      fee: true,
    },
    {
      code: 'NV.01',
      name: 'Cho phép tổ chức hội nghị quốc tế',
      units: ['SNGV'],
      onlineLevel: 'partial',
      fee: false,
    },
    { code: 'KH.01', name: 'Đăng ký hoạt động khoa học', units: ['SKHCN'], onlineLevel: 'none', fee: true },
  ];
  for (const p of procedures)
    await admin
      .put(`/api/procedures/${p.code}`)
      .send({
        name: p.name,
        units: p.units,
        timeLimit: { value: 5, unit: 'working-days' },
        onlineLevel: p.onlineLevel,
        feeRequired: p.fee,
        requiresWrittenResult: true,
        effectiveFrom: iso(quarter.startMs - 30 * DAY),
      })
      .expect(200);
  // Dossiers of the last complete quarter, with lives that differ by unit, so the ranking has numbers.
  let n = 0;
  for (const [unit, proc, count, lateEvery] of [
    ['SCT', procedures[0], 12, 4],
    ['SNGV', procedures[1], 9, 3],
    ['SKHCN', procedures[2], 7, 2],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const received = quarter.startMs + (7 + i * 5) * DAY + 2 * HOUR;
      const online = proc.onlineLevel !== 'none' && i % 3 !== 0;
      const code = `Q-${unit}-${++n}`;
      const res = await admin
        .post('/api/dossiers')
        .send({
          code,
          unitId: unit,
          procedureCode: proc.code,
          channel: online ? 'online' : 'in-person',
          ...(online ? { onlineLevel: proc.onlineLevel } : {}),
          receivedAt: iso(received),
          feeAmount: proc.fee ? 50_000 : 0,
        })
        .expect(201);
      const due = Date.parse(res.body.dueAt);
      const step = (body: Record<string, unknown>) =>
        admin.post(`/api/dossiers/${code}/events`).send(body).expect(201);
      if (i % 2 === 0)
        await step({ type: 'input-digitized', occurredAt: iso(received + HOUR), reused: i % 4 === 0 });
      if (i % 5 !== 4) await step({ type: 'synced', occurredAt: iso(received + 2 * HOUR) });
      if (proc.fee && i % 2 === 0)
        await step({
          type: 'paid-online',
          occurredAt: iso(received + 3 * HOUR),
          amount: 50_000,
          gateway: 'national',
        });
      const finish = i % lateEvery === 0 ? due + 2 * DAY : received + DAY;
      await step({ type: 'processed', occurredAt: iso(finish), outcome: 'approved' });
      if (i % 3 === 0) await step({ type: 'result-issued-electronically', occurredAt: iso(finish + HOUR) });
    }
  }
  // A dossier with a supplement round, finished late (the dossier page explains why).
  const received = weekdayMorning(30);
  await admin
    .post('/api/dossiers')
    .send({
      code: 'WHY-1',
      unitId: 'SCT',
      procedureCode: 'CT.01',
      channel: 'in-person',
      receivedAt: iso(received),
      feeAmount: 50_000,
    })
    .expect(201);
  for (const body of [
    { type: 'input-digitized', occurredAt: iso(received + HOUR) },
    {
      type: 'supplement-requested',
      occurredAt: iso(received + DAY),
      reason: 'Thiếu bản sao giấy đăng ký kinh doanh',
    },
    { type: 'supplement-received', occurredAt: iso(received + 4 * DAY) },
    { type: 'processed', occurredAt: iso(received + 16 * DAY), outcome: 'approved' },
  ])
    await admin.post('/api/dossiers/WHY-1/events').send(body).expect(201);
  await api.waitForProjections();
}

beforeAll(async () => {
  if (!hasChromium) return;
  api = await startApi({ worker: true });
  await api.app.listen(0, '127.0.0.1');
  baseURL = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  await seed();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describeWithChromium('dashboard pages (Chromium over the API + worker)', () => {
  it('the supervisor board shows a new overdue dossier without reloading, with its time over and a link', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.supervisorA);
    expect(new URL(page.url()).pathname).toBe('/board.html');
    await page.waitForSelector('body[data-live="true"]');
    await page.evaluate('window.marker = 1');

    // Received 25 calendar days ago (at least five working days even across Tết) with a five-working-day limit: already past due, so the deadline
    // worker records DossierBecameOverdue as soon as the reactor schedules the dossier.
    await api
      .as(TOKENS.clerkA)
      .post('/api/dossiers')
      .send({
        code: 'LATE-1',
        unitId: 'SCT',
        procedureCode: 'CT.01',
        channel: 'online',
        onlineLevel: 'full',
        receivedAt: iso(weekdayMorning(25)),
        feeAmount: 50_000,
      })
      .expect(201);

    const row = page.locator('#col-overdue tr[data-code="LATE-1"]');
    await row.waitFor({ timeout: 30_000 });
    await expect(row.locator('td').nth(2).textContent()).resolves.toMatch(/quá .* giờ/);
    expect(await page.evaluate('window.marker')).toBe(1); // no reload
    await expect(page.locator('[data-count="overdue"]').textContent()).resolves.toBe('1');
    await screenshot(page, 'board.png');

    await row.locator('a').click();
    await page.waitForURL(/dossier\.html\?code=LATE-1/);
    await page.locator('#timeline li[data-type="DossierBecameOverdue"]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the board shows each dossier once, in the column of its most urgent alert, and counts dossiers', async () => {
    // A dossier past 75 % of its time still holds its 50 % alert; one at the apology stage holds both. The
    // board's answer is served as such a moment would give it (the worker reaches those stages only in time).
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.supervisorA);
    const now = Date.now();
    const alert = (code: string, kind: string, hoursLeft: number) => ({
      id: `${kind}-${code}`,
      subject: 'dossier',
      code,
      kind,
      dueAt: iso(now + hoursLeft * HOUR),
      raisedAt: iso(now - HOUR),
      unitId: 'SCT',
      unitName: 'Sở Công Thương',
      currentUnitId: 'SCT',
      procedureCode: 'CT.01',
      procedureName: 'Cấp Giấy phép bán lẻ sản phẩm rượu',
      workingMsLeft: hoursLeft * HOUR,
    });
    const alerts = [
      alert('SOON-1', 'due-soon-50', 10),
      alert('SOON-1', 'due-soon-75', 10),
      alert('APOL-1', 'due-soon-50', 3),
      alert('APOL-1', 'due-soon-75', 3),
      alert('APOL-1', 'apology-needed', 3),
      alert('LATE-9', 'overdue', -5),
    ];
    await page.route('**/api/dashboard/board*', (route) =>
      route.fulfill({ json: { now: iso(now), alerts } }),
    );
    await page.reload();
    await page.locator('#col-due tr[data-code="SOON-1"]').waitFor();
    const rows = await page.$$eval('.columns tbody tr', (trs) =>
      trs.map(
        (tr) =>
          `${tr.closest('section')!.id} ${tr.getAttribute('data-code')} ${tr.getAttribute('data-kind')}`,
      ),
    );
    expect(rows.sort()).toEqual([
      'col-apology APOL-1 apology-needed',
      'col-due SOON-1 due-soon-75',
      'col-overdue LATE-9 overdue',
    ]);
    for (const kind of ['overdue', 'apology-needed', 'due-soon'])
      await expect(page.locator(`[data-count="${kind}"]`).textContent()).resolves.toBe('1');
    // The time stays in view in a third of the page: the badge wraps instead of widening the table.
    const fits = await page.$$eval('.columns .card', (cards) =>
      cards.every((card) => card.scrollWidth <= card.clientWidth),
    );
    expect(fits).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the dossier page shows every event with actor and time, both due dates and why it is late', async () => {
    const { page, errors, context } = await loginAs(
      browser,
      baseURL,
      TOKENS.supervisorA,
      '/dossier.html?code=WHY-1',
    );
    await page.locator('#timeline li').first().waitFor();
    const history = (await api.as(TOKENS.supervisorA).get('/api/dossiers/WHY-1').expect(200)).body.history;
    await expect(page.locator('#timeline li').count()).resolves.toBe(history.length);
    await expect(page.locator('#timeline').textContent()).resolves.toContain('admin');
    await expect(page.locator('[data-field="dueAt"]').textContent()).resolves.toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await expect(page.locator('#reason-list li[data-kind="supplement"]').textContent()).resolves.toMatch(
      /1 lần yêu cầu bổ sung/,
    );
    await expect(page.locator('#reason-list li[data-kind="late"]').count()).resolves.toBe(1);
    await screenshot(page, 'dossier.png');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the clerk form shows the API's 400 field errors beside the fields, then receives a valid dossier", async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.clerkA);
    expect(new URL(page.url()).pathname).toBe('/clerk.html');
    await page.selectOption('#receive [name=unitId]', 'SCT');
    await page.fill('#receive [name=feeAmount]', '-5');
    await page.fill('#receive [name=receivedAt]', '');
    await page.click('#receive button[type=submit]');
    const feeError = page.locator('#receive [data-error-for="feeAmount"]');
    await feeError.filter({ hasText: /feeAmount/ }).waitFor();
    await expect(page.locator('#receive [data-error-for="receivedAt"]').textContent()).resolves.toMatch(
      /receivedAt/,
    );
    await expect(page.locator('#receive [name=feeAmount]').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await screenshot(page, 'clerk.png');

    await page.fill('#receive [name=feeAmount]', '50000');
    await page.fill(
      '#receive [name=receivedAt]',
      new Date(Date.now() + 7 * HOUR - HOUR).toISOString().slice(0, 16),
    );
    await page.click('#receive button[type=submit]');
    await page.locator('#received-ok').waitFor();
    await expect(feeError.textContent()).resolves.toBe('');
    const code = await page.inputValue('#step [name=code]');
    expect(code).toMatch(/^SCT-\d{6}-\d{4}$/);
    // The clerk records the steps; an apology is the supervisor's to sign, so it is not offered.
    const clerkSteps = await page.$$eval('#step [name=type] option', (os) => os.map((o) => o.value));
    expect(clerkSteps).toContain('processed');
    expect(clerkSteps).not.toContain('apology-issued');
    await page.selectOption('#step [name=type]', 'synced');
    await page.click('#step button[type=submit]');
    await page.locator('#step-result .ok-box').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a supervisor's page for recording offers the apology alone, and no receipt form", async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.supervisorA);
    await page.goto(`${baseURL}/clerk.html`);
    await page.locator('#step [name=type] option').first().waitFor({ state: 'attached' });
    const steps = await page.$$eval('#step [name=type] option', (os) => os.map((o) => o.value));
    expect(steps).toEqual(['apology-issued']);
    await expect(page.locator('#receive').isVisible()).resolves.toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the scorecard table matches GET /api/scorecards; the criteria show numerator and denominator', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.reform);
    expect(new URL(page.url()).pathname).toBe('/scorecard.html');
    await page.waitForSelector(`body[data-loaded="${quarter.period}|department"]`);
    const card = (
      await api.as(TOKENS.reform).get(`/api/scorecards?period=${quarter.period}&level=department`).expect(200)
    ).body;
    expect(card.units.length).toBe(3);
    const rows = await page.$$eval('#ranking tbody tr', (trs) =>
      trs.map((tr) => ({
        unitId: tr.getAttribute('data-unit-id'),
        rank: tr.querySelector('[data-cell=rank]')!.textContent,
        name: tr.querySelector('[data-cell=name]')!.textContent,
        total: tr.querySelector('[data-cell=total]')!.textContent,
        band: tr.querySelector('[data-cell=band]')!.textContent,
      })),
    );
    expect(rows).toEqual(
      card.units.map(
        (u: { unitId: string; rank: number; name: string; total: number; band: string | null }) => ({
          unitId: u.unitId,
          rank: String(u.rank),
          name: u.name,
          total: u.total.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
          band: u.band ?? '—',
        }),
      ),
    );
    const first = card.units[0];
    await page.click(`#ranking tr[data-unit-id="${first.unitId}"]`);
    const timeliness = first.groups.find((g: { id: string }) => g.id === 'timeliness').criteria[0];
    const cells = page.locator('#criteria tr[data-criterion="2.1"] td');
    await expect(cells.nth(1).textContent()).resolves.toBe(String(timeliness.numerator));
    await expect(cells.nth(2).textContent()).resolves.toBe(String(timeliness.denominator));
    await page.locator('#trend[width]').waitFor();
    await screenshot(page, 'scorecard.png');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the export buttons download files that hold the same numbers (XLSX opened with exceljs, CSV)', async () => {
    const { page, errors, context } = await loginAs(browser, baseURL, TOKENS.reform);
    await page.waitForSelector(`body[data-loaded="${quarter.period}|department"]`);
    const card = (
      await api.as(TOKENS.reform).get(`/api/scorecards?period=${quarter.period}&level=department`).expect(200)
    ).body;

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    expect(xlsx.suggestedFilename()).toBe(`scorecard-${quarter.period}-department.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await xlsx.path());
    const sheet = book.worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const header = rows.find((r) => r.includes('unitId'))!.map(String);
    const col = (name: string) => header.indexOf(name);
    for (const u of card.units) {
      const line = rows.find((r) => r[col('unitId')] === u.unitId)!;
      expect(line).toBeDefined();
      expect(line[col('rank')]).toBe(u.rank);
      expect(line[col('total')]).toBeCloseTo(u.total, 9);
      const c21 = u.groups.find((g: { id: string }) => g.id === 'timeliness').criteria[0];
      expect(line[col('2.1 numerator')]).toBe(c21.numerator);
      expect(line[col('2.1 denominator')]).toBe(c21.denominator);
    }

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const text = readFileSync(await csv.path(), 'utf8');
    for (const u of card.units) expect(text).toContain(`,${u.unitId},${u.name},${u.total},`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
