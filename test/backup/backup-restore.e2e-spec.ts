import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoakDriver, type Sent } from '../soak/driver';
import { freePort, ManagedProcess, redisProcess } from '../soak/processes';
import { SOAK_TOKENS, soakTokensFile } from '../soak/province';
import { getJson, readLog, runCommand, settledChecks, trackerProcess, type LogRow } from './support';

// An office's disaster, end to end with real processes: the tracker (`npm start`: API, worker, embedded event
// store) on a data directory, a Redis of its own kept across everything, `npm run backup` while clerks work,
// more work, the tracker stopped, `npm run restore`, the tracker started again on the same Redis.
jest.setTimeout(300_000);

let dir: string;
let redis: ManagedProcess;
let tracker: ManagedProcess | undefined;
let env: Record<string, string>;
let baseUrl: string;
let apiPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracker-backup-'));
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify(soakTokensFile()));
  const redisPort = await freePort();
  apiPort = await freePort();
  baseUrl = `http://127.0.0.1:${apiPort}`;
  env = {
    NODE_ENV: 'test',
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_KEY_PREFIX: 'office:',
    TRACKER_TOKENS_FILE: tokensFile,
  };
  redis = redisProcess(redisPort, dir);
  await redis.start();
});

afterEach(async () => {
  await tracker?.stop();
  tracker = undefined;
});

afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ok = (s: Sent) =>
  (s.kind === 'receive' || s.kind === 'step') && (s.status ?? 0) >= 200 && s.status! < 300;

async function start(dataDir: string): Promise<ManagedProcess> {
  tracker = trackerProcess(apiPort, { ...env, EVENTSTORE_DATA_DIR: dataDir }, dir);
  await tracker.start();
  return tracker;
}

/** A dossier received now by a clerk, backdated so that it is overdue at once (a deadline alert). */
async function receiveOverdue(code: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SOAK_TOKENS.clerk.SCT}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      code,
      unitId: 'SCT',
      procedureCode: 'SOAK.B',
      channel: 'in-person',
      receivedAt: new Date(Date.now() - 4 * 24 * 3_600_000).toISOString(),
      feeAmount: 0,
    }),
  });
  expect(res.status).toBe(201);
}

it('a backup taken while clerks work, restored after more work, gives read models equal to the restored log', async () => {
  const dataDir = join(dir, 'office-a');
  const file = join(dir, 'backups', 'tonight.sqlite');
  await start(dataDir);
  const driver = new SoakDriver({ baseUrl, seed: 17, rate: 15, badShare: 0 });
  await driver.setUp();
  await driver.run(Date.now() + 6_000);

  // The backup, while the clerks go on.
  let backingUp = true;
  const load = driver.run(Date.now() + 120_000, () => !backingUp);
  await new Promise((r) => setTimeout(r, 1_500));
  const ackedBefore = driver.ledger.filter(ok).map((s) => s.correlationId);
  const backup = await runCommand('backup', file, { EVENTSTORE_DATA_DIR: dataDir });
  backingUp = false;
  await load;
  expect(backup).toMatchObject({ code: 0 });
  const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
  expect(JSON.parse(backup.stdout)).toEqual(manifest);

  // More work after the backup: it must vanish with the restore.
  const mark = driver.ledger.length;
  await driver.run(Date.now() + 4_000);
  await receiveOverdue('LATER-OVERDUE-1');
  const later = [
    'LATER-OVERDUE-1',
    ...driver.ledger
      .slice(mark)
      .filter((s) => s.kind === 'receive' && s.status === 201)
      .map((s) => s.code!),
  ];
  const before = await settledChecks(baseUrl, dataDir, Date.now() + 60_000);
  expect(before.rows.filter((r) => !r.ok)).toEqual([]);
  expect(before.states.has('LATER-OVERDUE-1')).toBe(true);
  const original = before.events;

  // Onto the running tracker, a restore is refused and changes nothing.
  const refused = await runCommand('restore', file, { EVENTSTORE_DATA_DIR: dataDir });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toMatch(/the tracker is running/);
  expect((await readLog(dataDir)).length).toBeGreaterThanOrEqual(original.length);

  await tracker!.stop();
  const restore = await runCommand('restore', file, { EVENTSTORE_DATA_DIR: dataDir });
  expect(restore).toMatchObject({ code: 0 });
  const restored = JSON.parse(restore.stdout) as { replacedAside: string; logId: string };
  expect(readdirSync(restored.replacedAside)).toContain('events.sqlite');

  // The same Redis, the restored log.
  await start(dataDir);
  const after = await settledChecks(baseUrl, dataDir, Date.now() + 90_000);
  expect(after.rows.filter((r) => !r.ok)).toEqual([]);
  const trackerLog = await readFile(join(dir, 'tracker.log'), 'utf8');
  expect(trackerLog).toMatch(/rebuilding from the start of the log/);

  // The copy: the original log up to the manifest's position, exactly (positions, ids, streams, revisions).
  const copied = after.events.filter((e) => e.position <= BigInt(manifest.lastPosition));
  const key = (e: LogRow) => `${e.position}|${e.id}|${e.stream}|${e.revision}`;
  expect(copied.map(key)).toEqual(original.slice(0, copied.length).map(key));
  const inCopy = new Set(copied.flatMap((e) => (e.correlationId ? [e.correlationId] : [])));
  expect(ackedBefore.filter((c) => !inCopy.has(c))).toEqual([]);
  // Nothing half-written: a command's events are all in the copy or none.
  const count = (events: LogRow[], c: string) => events.filter((e) => e.correlationId === c).length;
  for (const c of inCopy) expect(count(copied, c)).toBe(count(original, c));

  // The later dossiers are gone: from the log, the list, the alerts, the scorecard's dossiers.
  for (const code of later) expect(after.states.has(code)).toBe(false);
  const listed = JSON.stringify(await getJson(baseUrl, '/api/dossiers?limit=500'));
  const alerts = JSON.stringify(await getJson(baseUrl, '/api/alerts'));
  const period = `${new Date(Date.now() + 7 * 3_600_000).getUTCFullYear()}`;
  const scorecard = JSON.stringify(
    await getJson(baseUrl, `/api/scorecards/SCT?period=${period}&dossiers=true`),
  );
  for (const code of later) {
    expect(listed).not.toContain(code);
    expect(alerts).not.toContain(code);
    expect(scorecard).not.toContain(code);
  }

  // A dossier received now appears everywhere.
  await receiveOverdue('AFTER-RESTORE-1');
  const now = await settledChecks(baseUrl, dataDir, Date.now() + 60_000);
  expect(now.rows.filter((r) => !r.ok)).toEqual([]);
  expect(JSON.stringify(await getJson(baseUrl, '/api/dossiers?limit=500'))).toContain('AFTER-RESTORE-1');
  expect(JSON.stringify(await getJson(baseUrl, '/api/alerts'))).toContain('overdue-AFTER-RESTORE-1');
  expect(
    JSON.stringify(await getJson(baseUrl, `/api/scorecards/SCT?period=${period}&dossiers=true`)),
  ).toContain('AFTER-RESTORE-1');
});

it('another, empty log under the same Redis: the old read models are replaced and nothing is skipped', async () => {
  const first = join(dir, 'office-b');
  await start(first);
  const driver = new SoakDriver({ baseUrl, seed: 29, rate: 15, badShare: 0 });
  await driver.setUp();
  await driver.run(Date.now() + 4_000);
  await receiveOverdue('OLD-LOG-1');
  const old = await settledChecks(baseUrl, first, Date.now() + 60_000);
  expect(old.rows.filter((r) => !r.ok)).toEqual([]);
  await tracker!.stop();

  // A new PC, a deleted data/: an empty log.
  const second = join(dir, 'office-b-new');
  expect(existsSync(second)).toBe(false);
  await start(second);
  const fresh = new SoakDriver({ baseUrl, seed: 31, rate: 15, badShare: 0 });
  await fresh.setUp();
  await receiveOverdue('NEW-LOG-1');
  const now = await settledChecks(baseUrl, second, Date.now() + 60_000);
  expect(now.rows.filter((r) => !r.ok)).toEqual([]);
  expect([...now.states.keys()]).toEqual(['NEW-LOG-1']);
  expect(JSON.stringify(await getJson(baseUrl, '/api/alerts'))).toContain('overdue-NEW-LOG-1');
  const health = await getJson(baseUrl, '/api/health');
  expect(health.log.readModels).toBe('current');
});
