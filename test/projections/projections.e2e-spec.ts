import { EVENT_STORE, PROJECTION_SKIPS_STREAM, type EventStore } from '@tracker/application';
import { dossierStreamName } from '@tracker/domain';
import { waitFor } from '@tracker/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';
import { putReferenceData } from '../support/reference-data';

// The registry's projections as an operator sees them: each in /api/health with its lag, each
// rebuilt beside the live one by `npm run projections:rebuild`; a poison event stops the projections whose
// fold throws on it (visibly, the others go on) until `npm run projections:skip` records the decision.
jest.setTimeout(120_000);

const NAMES = [
  'dossier-list.v2',
  'dossier-facts.v1',
  'alerts.v2',
  'deadline-scheduling.v1',
  'feedback-list.v1',
  'feedback-facts.v1',
  'feedback-alerts.v1',
  'feedback-deadline-scheduling.v1',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms + 7 * HOUR).toISOString().replace('Z', '+07:00');

type Health = {
  projections: {
    name: string;
    generation: number | null;
    checkpoint: string | null;
    lag: number | null;
    runner?: string;
    stopped?: { position: string; error: string; since: string };
  }[];
};

let api: ApiHarness;

/** One of the operator's commands (`npm run projections:…`) against this test's event store and Redis. */
function cli(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', `apps/worker/src/${script}.ts`, ...args],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          EVENTSTORE_CONNECTION_STRING: api.eventStore.connectionString,
          REDIS_URL: api.env.REDIS_URL,
          REDIS_KEY_PREFIX: api.env.REDIS_KEY_PREFIX,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const health = async (): Promise<Health> => (await api.as(TOKENS.admin).get('/api/health').expect(200)).body;
const byName = (h: Health, name: string) => h.projections.find((p) => p.name === name)!;
const dossiers = async () =>
  (await api.as(TOKENS.admin).get('/api/dossiers?limit=500').expect(200)).body.items as {
    code: string;
    currentUnitId: string;
  }[];
const alerts = async () =>
  (await api.as(TOKENS.admin).get('/api/alerts').expect(200)).body.alerts as { code: string; kind: string }[];

async function receive(code: string, receivedMs: number): Promise<void> {
  await api
    .as(TOKENS.clerkA)
    .post('/api/dossiers')
    .send({ code, unitId: 'SCT', procedureCode: 'P1', channel: 'in-person', receivedAt: iso(receivedMs) })
    .expect(201);
}

beforeAll(async () => {
  api = await startApi({
    worker: { runner: { batchMs: 5, retry: { initialMs: 10, maxMs: 50 }, skipPollMs: 50 } },
  });
  await putReferenceData(api);
  const now = Date.now();
  await receive('SCT-R-1', now - 40 * DAY); // long overdue: its job fires at once, an alert opens
  await receive('SCT-R-2', now - HOUR);
  await receive('SCT-R-3', now - 2 * HOUR);
  await api
    .as(TOKENS.clerkA)
    .post('/api/dossiers/SCT-R-3/events')
    .send({ type: 'processed', occurredAt: iso(now - HOUR), outcome: 'approved' })
    .expect(201);
  // Its ladder runs rung after rung (due soon, apology needed) up to the overdue, the last event it gets.
  await waitFor(async () => (await alerts()).some((a) => a.code === 'SCT-R-1' && a.kind === 'overdue'), {
    timeoutMs: 30_000,
    description: 'the overdue alert of SCT-R-1',
  });
  await api.waitForProjections();
});

afterAll(async () => {
  await api?.close();
});

it('lists all the projections in health with their lag, and rebuilds each beside the live one', async () => {
  const before = await health();
  expect(before.projections.map((p) => p.name).sort()).toEqual([...NAMES].sort());
  for (const p of before.projections) {
    expect(p).toMatchObject({ generation: 1, lag: 0, runner: 'live' });
    expect(p.stopped).toBeUndefined();
  }
  const list = await dossiers();
  const open = await alerts();
  expect(open.map((a: { code: string }) => a.code)).toEqual(['SCT-R-1']);

  for (const name of NAMES) {
    const result = await cli('rebuild-projection', [name, '--grace-ms', '0']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({
      projection: name,
      generation: 2,
      replaced: 1,
    });
  }
  const after = await health();
  for (const p of after.projections) expect(p).toMatchObject({ generation: 2, lag: 0 });
  // The readers switched to the rebuilt generations see the same.
  expect(await dossiers()).toEqual(list);
  expect(await alerts()).toEqual(open);

  // The worker follows the rebuilt generations.
  await api
    .as(TOKENS.clerkA)
    .post('/api/dossiers/SCT-R-2/events')
    .send({ type: 'transferred', occurredAt: iso(Date.now() - 60_000), toUnitId: 'HOIAN' })
    .expect(201);
  await api.waitForProjections();
  expect((await dossiers()).find((d) => d.code === 'SCT-R-2')?.currentUnitId).toBe('HOIAN');
  for (const p of (await health()).projections) expect(p).toMatchObject({ generation: 2, lag: 0 });
});

it('stops the projections whose fold throws on a poison event at its position, the others go on; a skip resumes them after it', async () => {
  // An event no command would record (another tool wrote it): its instant is not an instant. The dossier's
  // fold throws on it; the facts fold does not take transfers.
  const store = api.app.get<EventStore>(EVENT_STORE);
  const { position } = await store.appendToStream(
    dossierStreamName('SCT-R-2'),
    [
      {
        event: { type: 'DossierTransferred', data: { occurredAt: 'not-an-instant', toUnitId: 'SCT' } },
        id: randomUUID(),
        metadata: { actor: 'other-tool', correlationId: 'poison', causationId: 'poison' },
      },
    ],
    'any',
  );
  await receive('SCT-R-4', Date.now() - HOUR); // after the poison event
  const stoppedOnes = ['dossier-list.v2', 'alerts.v2', 'deadline-scheduling.v1'];
  await waitFor(
    async () => {
      const h = await health();
      return stoppedOnes.every((n) => byName(h, n).stopped?.position === String(position));
    },
    { timeoutMs: 20_000, description: 'the three dossier folds stopped at the poison event' },
  );
  const h = await health();
  for (const name of stoppedOnes) {
    const p = byName(h, name);
    expect(p.runner).toBe('poisoned');
    expect(p.stopped!.error).toMatch(/DossierTransferred.*occurredAt/);
    // Stopped at the poison event, not before the batch: its checkpoint is right before it.
    expect(BigInt(p.checkpoint!)).toBeLessThan(position);
    expect(p.lag).toBeGreaterThanOrEqual(2);
  }
  // A stranger learns only up/down and one lag figure, not where or why a projection stopped.
  const stranger = await api.http.get('/api/health').expect(200);
  expect(Object.keys(stranger.body).sort()).toEqual(['eventStore', 'lag', 'redis', 'status']);
  // The facts went on past it: SCT-R-4 counts already.
  await waitFor(async () => byName(await health(), 'dossier-facts.v1').lag === 0, {
    timeoutMs: 10_000,
    description: 'dossier-facts.v1 past the poison event',
  });
  expect(byName(await health(), 'dossier-facts.v1').stopped).toBeUndefined();
  expect((await dossiers()).map((d) => d.code)).not.toContain('SCT-R-4');

  // The operator decides: skip it, for each stopped projection. The decision is an event of its own stream.
  for (const name of stoppedOnes) {
    const skip = await cli('skip-projection-event', [
      name,
      String(position),
      '--reason',
      'dữ liệu hỏng từ công cụ khác',
    ]);
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.stdout.trim())).toMatchObject({ projection: name, recorded: true });
  }
  const again = await cli('skip-projection-event', ['dossier-list', String(position), '--reason', 'lại']);
  expect(JSON.parse(again.stdout.trim())).toMatchObject({ projection: 'dossier-list.v2', recorded: false });
  const decisions = await store.readStream(PROJECTION_SKIPS_STREAM);
  expect(decisions.events.map((e) => e.event)).toEqual(
    stoppedOnes.map((projection) => ({
      type: 'ProjectionEventSkipped',
      data: expect.objectContaining({
        projection,
        position: String(position),
        reason: 'dữ liệu hỏng từ công cụ khác',
        error: expect.stringMatching(/occurredAt/),
      }),
    })),
  );

  // They resume after it.
  await api.waitForProjections();
  await waitFor(async () => (await health()).projections.every((p) => p.lag === 0 && !p.stopped), {
    timeoutMs: 10_000,
    description: 'every projection resumed',
  });
  expect((await dossiers()).map((d) => d.code)).toContain('SCT-R-4');
  for (const name of stoppedOnes) expect(byName(await health(), name).runner).toBe('live');

  // A rebuild skips it too.
  const generation = byName(await health(), 'dossier-list.v2').generation!;
  const rebuilt = await cli('rebuild-projection', ['dossier-list', '--grace-ms', '0']);
  expect(rebuilt.code).toBe(0);
  expect(byName(await health(), 'dossier-list.v2')).toMatchObject({ generation: generation + 1, lag: 0 });
  expect((await dossiers()).map((d) => d.code)).toContain('SCT-R-4');
});
