import ExcelJS from 'exceljs';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { RawEvent, independentScorecard } from './independent-scorecard';

// A small province (four units on two levels, six procedures, a few hundred dossiers with every kind of
// life, some recorded out of order) driven through the HTTP API and the worker; each scorecard must equal,
// criterion by criterion, an independent recomputation from the raw events in `$all`.
jest.setTimeout(180_000);

let api: ApiHarness;

/** Mulberry32: a small seeded PRNG, so the province is the same at every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = [
  { id: 'D1', name: 'Sở Công Thương', level: 'department' },
  { id: 'D2', name: 'Sở Ngoại vụ', level: 'department' },
  { id: 'D3', name: 'Sở Khoa học và Công nghệ', level: 'department' },
  { id: 'C1', name: 'Phường Hội An', level: 'commune' },
  { id: 'C2', name: 'Xã Nam Giang', level: 'commune' },
];
const PROCEDURES = [
  {
    code: 'PA',
    units: ['D1', 'D2'],
    onlineLevel: 'full',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 10, unit: 'working-days' },
  },
  {
    code: 'PB',
    units: ['D1', 'D3'],
    onlineLevel: 'partial',
    feeRequired: false,
    requiresWrittenResult: false,
    timeLimit: { value: 5, unit: 'working-days' },
  },
  {
    code: 'PC',
    units: ['D2', 'C1'],
    onlineLevel: 'none',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 3, unit: 'working-days' },
  },
  {
    code: 'PD',
    units: ['C1', 'C2'],
    onlineLevel: 'full',
    feeRequired: false,
    requiresWrittenResult: true,
    timeLimit: { value: 15, unit: 'days' },
  },
  {
    code: 'PE',
    units: ['C2', 'D3'],
    onlineLevel: 'none',
    feeRequired: false,
    requiresWrittenResult: false,
    timeLimit: { value: 8, unit: 'working-hours' },
  },
  {
    code: 'PF',
    units: ['D1', 'C1', 'C2'],
    onlineLevel: 'partial',
    feeRequired: true,
    requiresWrittenResult: true,
    timeLimit: { value: 7, unit: 'working-days' },
  },
];

const DAY = 24 * 3600_000;
const iso = (t: number) => new Date(t).toISOString();

type Step = Record<string, unknown> & { type: string; occurredAt: string };

async function seedProvince(dossiers: number): Promise<{ sent: number; refused: number }> {
  const admin = api.as(TOKENS.admin);
  for (const u of UNITS)
    await admin.put(`/api/units/${u.id}`).send({ name: u.name, level: u.level }).expect(200);
  for (const p of PROCEDURES) {
    const { code, ...body } = p;
    await admin
      .put(`/api/procedures/${code}`)
      .send({ name: `Thủ tục ${code}`, ...body, effectiveFrom: '2024-01-01T00:00:00+07:00' })
      .expect(200);
  }
  const seed = Number(process.env.SCENARIO_SEED ?? 766);
  let sent = 0;
  let refused = 0;
  const from = Date.parse('2024-12-01T07:30:00+07:00');
  const to = Date.parse('2025-04-20T07:30:00+07:00');
  const work = async (n: number) => {
    // Each dossier draws from its own stream, so the province does not depend on the writers' interleaving.
    const rnd = prng(seed * 100_003 + n);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const unit = pick(UNITS);
    const proc = pick(PROCEDURES.filter((p) => p.units.includes(unit.id)));
    const received = from + Math.floor(rnd() * ((to - from) / 3600_000)) * 3600_000;
    const online = proc.onlineLevel !== 'none' && rnd() < 0.7;
    const fee = proc.feeRequired && rnd() < 0.9 ? 20000 : 0;
    const res = await admin.post('/api/dossiers').send({
      code: `S-${n}`,
      unitId: unit.id,
      procedureCode: proc.code,
      channel: online ? 'online' : pick(['in-person', 'postal']),
      ...(online ? { onlineLevel: proc.onlineLevel } : {}),
      receivedAt: iso(received),
      feeAmount: fee,
    });
    sent++;
    if (res.status !== 201) {
      refused++;
      return;
    }
    const due = Date.parse(res.body.dueAt);
    const steps: Step[] = [];
    const at = (t: number) => iso(Math.max(received + 60_000, t));
    if (rnd() < 0.6)
      steps.push({
        type: 'input-digitized',
        occurredAt: at(received + 600_000),
        reused: rnd() < 0.35,
        fromPersonalStore: rnd() < 0.25,
      });
    if (rnd() < 0.7) steps.push({ type: 'synced', occurredAt: at(received + 2 * 3600_000) });
    if (fee === 0 && rnd() < 0.1)
      steps.push({ type: 'payment-requested', occurredAt: at(received + 3600_000), amount: 10000 });
    let t = received + DAY;
    const supplements = rnd() < 0.7 ? 0 : rnd() < 0.75 ? 1 : 2;
    for (let s = 0; s < supplements; s++) {
      steps.push({ type: 'supplement-requested', occurredAt: at(t), reason: 'bổ sung giấy tờ' });
      t += DAY * (1 + Math.floor(rnd() * 5));
      if (rnd() < 0.9) steps.push({ type: 'supplement-received', occurredAt: at(t) });
      else break;
      t += DAY;
    }
    if (rnd() < 0.85) {
      const doneAt =
        rnd() < 0.7 ? received + (due - received) * rnd() : due + DAY * (1 + Math.floor(rnd() * 10));
      const finish = Math.max(t, doneAt);
      const end = rnd();
      if (end < 0.05) steps.push({ type: 'withdrawn', occurredAt: at(finish) });
      else if (end < 0.1)
        steps.push({ type: 'stopped', occurredAt: at(finish), reason: 'không đủ điều kiện' });
      else {
        steps.push({
          type: 'processed',
          occurredAt: at(finish),
          outcome: rnd() < 0.9 ? 'approved' : 'denied',
        });
        if (proc.requiresWrittenResult && rnd() < 0.6)
          steps.push({ type: 'result-issued-electronically', occurredAt: at(finish + 600_000) });
        if (rnd() < 0.7) {
          steps.push({ type: 'result-returned', occurredAt: at(finish + DAY) });
          if (rnd() < 0.5)
            steps.push({
              type: 'satisfaction-rated',
              occurredAt: at(finish + 2 * DAY),
              satisfied: rnd() < 0.8,
            });
          if (rnd() < 0.1)
            steps.push({
              type: 'satisfaction-rated',
              occurredAt: at(finish + 3 * DAY),
              satisfied: rnd() < 0.5,
            });
        }
      }
    }
    if (fee > 0 && rnd() < 0.6)
      steps.push({
        type: 'paid-online',
        occurredAt: at(received + 3 * 3600_000),
        amount: fee,
        gateway: pick(['national', 'provincial']),
      });
    // One dossier in five is caught up later by a clerk: its steps arrive out of occurredAt order.
    if (rnd() < 0.2) steps.sort(() => rnd() - 0.5);
    for (const s of steps) {
      const r = await admin.post(`/api/dossiers/S-${n}/events`).send(s);
      sent++;
      if (r.status !== 201) refused++;
      expect(r.status).toBeLessThan(500);
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n < dossiers; n = next++) await work(n);
    }),
  );
  return { sent, refused };
}

async function rawEvents(): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  for await (const r of api.eventStore.client.readAll()) {
    const e = r.event;
    if (!e || e.type.startsWith('$') || e.streamId.startsWith('$')) continue;
    out.push({ stream: e.streamId, type: e.type, data: e.data as Record<string, any> });
  }
  return out;
}

beforeAll(async () => {
  api = await startApi({ worker: true });
  const { sent, refused } = await seedProvince(320);
  // Most steps are legal; the rest (e.g. a shuffled step the rules refuse) simply are not in the store.
  expect(refused / sent).toBeLessThan(0.2);
  await api.waitForProjections();
});

afterAll(async () => {
  await api?.close();
});

const cases: [string, string | undefined, string][] = [
  ['2025-Q1', undefined, 'department'],
  ['2025-Q1', undefined, 'commune'],
  ['2025-Q1', '2025-02-15T12:00:00+07:00', 'department'],
  ['2025-01', undefined, 'commune'],
  ['2025-03', '2025-03-20T00:00:00+07:00', 'department'],
  ['2024-12', undefined, 'department'],
  ['2025', undefined, 'commune'],
  ['2025-Q2', undefined, 'department'],
];

describe('the scorecard of a small province equals an independent recomputation from the events', () => {
  it.each(cases)('%s asOf %s, level %s', async (period, asOf, level) => {
    const query = `/api/scorecards?period=${period}&level=${level}${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`;
    const res = await api.as(TOKENS.reform).get(query).expect(200);
    const expected = independentScorecard(
      await rawEvents(),
      period,
      asOf ? Date.parse(asOf) : Date.parse(res.body.asOf),
      level,
    );
    expect(res.body).toMatchObject({ period, method: 'qd766-v1' });

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
    expect(lines[0]).toContain('qd766-v1');
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
