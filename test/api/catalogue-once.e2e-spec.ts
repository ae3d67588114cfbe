import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(60_000);

// A catalogue change is applied by the process that wrote it and delivered again by its feed: it must count
// once, so the versions are listed once each, in order, and `current` never steps back.
let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  await api
    .as(TOKENS.admin)
    .put('/api/units/SCT')
    .send({ name: 'Sở Công Thương', level: 'department' })
    .expect(200);
});

afterAll(async () => {
  await api?.close();
});

const definition = (name: string) => ({
  name,
  units: ['SCT'],
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: true,
  requiresWrittenResult: true,
});

type Listed = { code: string; name: string; versions: { name: string }[] };

it('two quick changes to one procedure give two versions, in order, and current never goes back', async () => {
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/procedures/Q1').send(definition('Bản 1')).expect(200);
  await admin.put('/api/procedures/Q1').send(definition('Bản 2')).expect(200);
  const seen: string[][] = [];
  const currents: string[] = [];
  // Long enough for the feed to deliver both events again.
  for (let i = 0; i < 30; i++) {
    const res = await admin.get('/api/procedures').expect(200);
    const q1 = (res.body as Listed[]).find((p) => p.code === 'Q1')!;
    seen.push(q1.versions.map((v) => v.name));
    currents.push(q1.name);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const versions of seen) expect(versions).toEqual(['Bản 1', 'Bản 2']);
  expect(new Set(currents)).toEqual(new Set(['Bản 2']));
  const unit = await admin.get('/api/units').expect(200);
  expect((unit.body as { unitId: string }[]).filter((u) => u.unitId === 'SCT')).toHaveLength(1);
});
