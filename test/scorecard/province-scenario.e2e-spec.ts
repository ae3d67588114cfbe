import ExcelJS from 'exceljs';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { independentScorecard, type Method } from './independent-scorecard';
import { rawEvents, seedFeedback, seedProvince } from './province';

// A small province (four units on two levels, six procedures, a few hundred dossiers with every kind of
// life, some recorded out of order) driven through the HTTP API and the worker; each scorecard must equal,
// criterion by criterion, an independent recomputation from the raw events in `$all`.
jest.setTimeout(180_000);

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi({ worker: true });
  expect(await seedFeedback(api, 60, 320)).toBeGreaterThan(60);
  const { sent, refused } = await seedProvince(api, 320);
  // Most steps are legal; the rest (e.g. a shuffled step the rules refuse) simply are not in the store.
  expect(refused / sent).toBeLessThan(0.2);
  await api.waitForProjections();
});

afterAll(async () => {
  await api?.close();
});

const cases: [string, string | undefined, string, Method][] = [
  ['2025-Q1', undefined, 'department', 'qd766-v1'],
  ['2025-Q1', undefined, 'commune', 'qd766-v1'],
  ['2025-03', '2025-03-20T00:00:00+07:00', 'department', 'qd766-v1'],
  ['2025-Q1', undefined, 'department', 'qd766-v2'],
  ['2025-Q1', undefined, 'commune', 'qd766-v2'],
  ['2025-Q1', '2025-02-15T12:00:00+07:00', 'department', 'qd766-v2'],
  ['2025-Q1', '2025-02-25T12:00:00+07:00', 'district', 'qd766-v2'],
  ['2025-01', undefined, 'commune', 'qd766-v2'],
  ['2025-03', '2025-03-20T00:00:00+07:00', 'department', 'qd766-v2'],
  ['2024-12', undefined, 'department', 'qd766-v2'],
  ['2025', undefined, 'commune', 'qd766-v2'],
  ['2025-Q2', undefined, 'department', 'qd766-v2'],
  ['2025-Q1', '2025-03-01T00:00:00+07:00', 'district', 'qd766-v2'],
];

describe('the scorecard of a small province equals an independent recomputation from the events', () => {
  it.each(cases)('%s asOf %s, level %s, %s', async (period, asOf, level, method) => {
    const query = `/api/scorecards?period=${period}&level=${level}${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}${method === 'qd766-v1' ? '&method=qd766-v1' : ''}`;
    const res = await api.as(TOKENS.reform).get(query).expect(200);
    const expected = independentScorecard(
      await rawEvents(api),
      period,
      asOf ? Date.parse(asOf) : Date.parse(res.body.asOf),
      level,
      method,
    );
    expect(res.body).toMatchObject({ period, method });

    const actualRows = res.body.units as any[];
    expect(actualRows.map((u) => u.unitId)).toEqual(expected.rows.map((r) => r.unitId));
    const compare = (actual: any, exp: ReturnType<typeof independentScorecard>['province']) => {
      const criteria = new Map<string, any>(
        actual.groups.flatMap((g: any) => g.criteria.map((c: any) => [c.id, c])),
      );
      for (const c of exp.criteria) {
        const a = criteria.get(c.id);
        expect({ unit: actual.unitId, id: c.id, numerator: a.numerator, denominator: a.denominator }).toEqual(
          {
            unit: actual.unitId,
            id: c.id,
            numerator: c.numerator,
            denominator: c.denominator,
          },
        );
        if (c.score === null) expect(a.score).toBeNull();
        else expect(Math.abs(a.score - c.score)).toBeLessThanOrEqual(0.005 + 1e-9); // shown rounded to 2 decimals
      }
      expect(Math.abs(actual.total - exp.total)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(actual.maxWithoutData).toBe(exp.maxWithoutData);
      expect(actual.band).toBe(exp.band);
    };
    actualRows.forEach((u, i) => {
      compare(u, expected.rows[i]);
      expect(u.rank).toBe(expected.rows[i].rank);
    });
    compare(res.body.province, expected.province);
  });

  it('has v2 criteria with something to judge: each of 1.1–1.3, 5.1, 5.2, 6.5a–c wins and loses somewhere', async () => {
    const res = await api.as(TOKENS.reform).get('/api/scorecards?period=2025').expect(200);
    const rows = [...res.body.units, res.body.province];
    for (const id of ['1.1', '1.2', '1.3', '5.1', '5.2', '6.5a', '6.5b', '6.5c']) {
      const cs = rows.map((r: any) => r.groups.flatMap((g: any) => g.criteria).find((c: any) => c.id === id));
      expect({ id, won: cs.some((c: any) => c.numerator > 0) }).toEqual({ id, won: true });
      expect({ id, lost: cs.some((c: any) => c.numerator < c.denominator) }).toEqual({ id, lost: true });
    }
  });

  it('lists the procedures, feedback items and communes behind the v2 criteria', async () => {
    const res = await api.as(TOKENS.reform).get('/api/scorecards/D1?period=2025&dossiers=true').expect(200);
    const byId = new Map<string, any>(
      res.body.groups.flatMap((g: any) => g.criteria.map((c: any) => [c.id, c])),
    );
    for (const [id, kind] of [
      ['1.1', 'procedure'],
      ['1.2', 'procedure'],
      ['1.3', 'procedure'],
      ['5.1', 'feedback'],
      ['5.2', 'feedback'],
      ['6.5b', 'dossier'],
      ['6.5c', 'procedure'],
    ]) {
      const c = byId.get(id);
      expect({ id, kind: c.explain.kind }).toEqual({ id, kind });
      expect(c.explain.numerator).toHaveLength(c.numerator);
      expect(c.explain.lost).toHaveLength(c.denominator - c.numerator);
    }
    const commune = await api
      .as(TOKENS.reform)
      .get('/api/scorecards/H1?period=2025&dossiers=true')
      .expect(200);
    const a = commune.body.groups.flatMap((g: any) => g.criteria).find((c: any) => c.id === '6.5a');
    expect(a.explain).toMatchObject({ kind: 'unit', numerator: ['C1'], lost: ['C2'] });
  });

  it('shows, on request, the dossiers behind a unit’s numerators', async () => {
    const res = await api
      .as(TOKENS.reform)
      .get('/api/scorecards/D1?period=2025-Q1&dossiers=true')
      .expect(200);
    const timeliness = res.body.groups.find((g: any) => g.id === 'timeliness').criteria[0];
    expect(timeliness.denominator).toBeGreaterThan(0);
    expect(timeliness.denominator).toBeLessThan(100); // so no list is truncated
    expect(timeliness.explain.numerator).toHaveLength(timeliness.numerator);
    expect(timeliness.explain.lost).toHaveLength(timeliness.denominator - timeliness.numerator);
    expect(timeliness.explain.lost.every((code: string) => code.startsWith('S-'))).toBe(true);
  });

  it('exports the same numbers as CSV and as an XLSX file that exceljs opens', async () => {
    const asOf = encodeURIComponent('2025-04-30T00:00:00+07:00');
    const json = (
      await api
        .as(TOKENS.reform)
        .get(`/api/scorecards?period=2025-Q1&level=department&asOf=${asOf}`)
        .expect(200)
    ).body;
    const binary = (res: any, cb: (e: Error | null, b: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    };
    const xlsx = await api
      .as(TOKENS.reform)
      .get(`/api/scorecards/export?period=2025-Q1&level=department&format=xlsx&asOf=${asOf}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.headers['content-disposition']).toContain('scorecard-2025-Q1-department.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const sheet = book.worksheets[0];
    const header = (sheet.getRow(4).values as unknown[]).slice(1) as string[];
    const rows = [] as Record<string, unknown>[];
    sheet.eachRow((row, n) => {
      if (n <= 4) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
    });
    const expected = [...json.units, json.province];
    expect(rows.map((r) => r.unitId)).toEqual(expected.map((u: any) => u.unitId));
    rows.forEach((r, i) => {
      const u = expected[i];
      expect(r.total).toBe(u.total);
      expect(r.band).toBe(u.band ?? null);
      for (const g of u.groups)
        for (const c of g.criteria) {
          expect([r[`${c.id} numerator`], r[`${c.id} denominator`], r[`${c.id} score`]]).toEqual([
            c.numerator,
            c.denominator,
            c.score,
          ]);
        }
    });

    const csv = await api
      .as(TOKENS.reform)
      .get(`/api/scorecards/export?period=2025-Q1&level=department&format=csv&asOf=${asOf}`)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toContain('qd766-v2');
    const csvHeader = lines[1].split(',');
    const totals = lines.slice(2).map((l) => Number(l.split(',')[csvHeader.indexOf('total')]));
    expect(totals).toEqual(expected.map((u: any) => u.total));
  });

  it('refuses bad queries with 400 and clerks with 403', async () => {
    const bad = await api
      .as(TOKENS.reform)
      .get('/api/scorecards?period=2025-Q5&level=city&asOf=yesterday')
      .expect(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['asOf', 'level', 'period']);
    await api.as(TOKENS.reform).get('/api/scorecards/export?period=2025&format=pdf').expect(400);
    await api.as(TOKENS.clerkA).get('/api/scorecards?period=2025').expect(403);
    await api.as(TOKENS.reform).get('/api/scorecards/NOPE?period=2025').expect(404);
  });
});
