/**
 * Demo seed benchmark: `npm run bench:demo-seed [-- --scale 0.1] [--skip-alone]`.
 *
 * 1. `npm start -- --demo` (the API with its worker and the embedded event store in one process, as an
 *    office tries the tracker) into a fresh temporary EVENTSTORE_DATA_DIR with a REDIS_KEY_PREFIX of its own.
 *    Polled every second from the spawn: the supervisor board (GET /api/dashboard/board) and the last
 *    complete quarter's scorecard (the scorecard page's default period, GET /api/scorecards) as an admin, and
 *    GET /api/demo. Figures: when the board first lists alerts and when it lists as many as at the end; when
 *    the scorecard first has dossiers and when it first equals the final one; when every dossier was
 *    written; when GET /api/demo said done (every read model has taken everything: the whole province on
 *    the pages). Aims: board and scorecard within 30 s, the whole province within 2 minutes.
 * 2. The baseline, in the same run: `npm run demo:seed` alone (no HTTP, no worker, no projections) into
 *    another fresh directory: the seeder's own report.
 * Data directories and the prefixes' keys are removed at the end. Not a test: nothing asserts on time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { duration, int, ratio, writeRows, type BenchRow } from './support/results';
import { unlinkMatching } from '@tracker/infrastructure';

const { values } = parseArgs({
  options: { scale: { type: 'string' }, 'skip-alone': { type: 'boolean' } },
});
const SCALE = values.scale;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface SeedReport {
  dossiers: number;
  commands: number;
  events?: number;
  refused: number;
  elapsedMs: number;
}

/** Parses the seeder's JSON report line. */
function reportOf(line: string): SeedReport | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<SeedReport>;
    return typeof parsed.elapsedMs === 'number' ? (parsed as SeedReport) : undefined;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A fresh data directory and Redis prefix, removed afterwards. */
async function withFreshData<T>(name: string, run: (env: NodeJS.ProcessEnv, dir: string) => Promise<T>) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const prefix = `bench:${name}:${randomUUID().slice(0, 8)}:`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVENTSTORE_DATA_DIR: join(dir, 'eventstore'),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
  };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const redis = new Redis(redisUrl);
  try {
    return await run(env, dir);
  } finally {
    await unlinkMatching(redis, `${prefix}*`);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run demo:seed` alone: the seeder's report and the command's wall time. */
async function seedAlone(): Promise<{ report: SeedReport; wallMs: number }> {
  return withFreshData('demo-seed', async (env) => {
    const t0 = performance.now();
    const child = spawn('npm', ['run', 'demo:seed', ...(SCALE ? ['--', '--scale', SCALE] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    let report: SeedReport | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(`  [alone] ${line}`);
      report ??= reportOf(line);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`npm run demo:seed exited with ${code}`);
    if (!report) throw new Error('npm run demo:seed printed no report line');
    return { report, wallMs: performance.now() - t0 };
  });
}

/** The quarter before the current one in Vietnam time (the scorecard page's default). */
function lastCompleteQuarter(now = new Date()): string {
  const local = new Date(now.getTime() + 7 * 3_600_000);
  const q = Math.floor(local.getUTCMonth() / 3);
  return q === 0 ? `${local.getUTCFullYear() - 1}-Q4` : `${local.getUTCFullYear()}-Q${q}`;
}

type Sample = { at: number; alerts?: number; card?: string; dossiers?: number; state?: string };

type StartFigures = {
  report: SeedReport;
  period: string;
  boardFirst?: number;
  boardFull?: number;
  finalAlerts: number;
  cardFirst?: number;
  cardFull?: number;
  written?: number;
  done: number;
};

/** `npm start -- --demo`, polled every second until GET /api/demo says done. Times from the spawn. */
async function startDemo(): Promise<StartFigures> {
  return withFreshData('demo-start', async (env, dir) => {
    const port = await freePort();
    const token = `bench-admin-${randomUUID()}`;
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([{ token, name: 'bench-admin', role: 'admin' }]));
    const t0 = performance.now();
    const child: ChildProcess = spawn('npm', ['start', '--', '--demo'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...env,
        PORT: String(port),
        TRACKER_TOKENS_FILE: tokens,
        ...(SCALE ? { TRACKER_DEMO_SCALE: SCALE } : {}),
      },
      detached: true,
    });
    let report: SeedReport | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const text = line.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');
      if (/\[demo\]|\[worker\]|listening/.test(text))
        console.log(`  [start] ${text.replace(/^.*?(LOG|WARN) /, '')}`);
      const m =
        /demo: (\d+) dossiers \(.*\), (\d+) commands, (\d+) events, (\d+) refused, in ([\d.]+) s/.exec(text);
      if (m)
        report = {
          dossiers: Number(m[1]),
          commands: Number(m[2]),
          events: Number(m[3]),
          refused: Number(m[4]),
          elapsedMs: Number(m[5]) * 1000,
        };
    });
    const period = lastCompleteQuarter();
    const base = `http://127.0.0.1:${port}`;
    const get = async (path: string, auth = true): Promise<unknown> => {
      const res = await fetch(
        `${base}${path}`,
        auth ? { headers: { Authorization: `Bearer ${token}` } } : {},
      );
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.json();
    };
    const fingerprint = (card: { province: unknown }) => JSON.stringify(card.province);
    const samples: Sample[] = [];
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
        if (performance.now() - t0 > 3_600_000) throw new Error('the demo was not done within an hour');
        const at = performance.now() - t0;
        const [demo, board, card] = await Promise.all([
          get('/api/demo', false).catch(() => undefined) as Promise<{ state: string } | undefined>,
          get('/api/dashboard/board').catch(() => undefined) as Promise<{ alerts: unknown[] } | undefined>,
          get(`/api/scorecards?${new URLSearchParams({ period, level: 'district' })}`).catch(
            () => undefined,
          ) as Promise<
            { province: { groups: { criteria: { id: string; denominator: number | null }[] }[] } } | undefined
          >,
        ]);
        // 2.1 (handled on time): its denominator counts the quarter's handled dossiers.
        const dossiers = card?.province.groups
          .flatMap((g) => g.criteria)
          .find((c) => c.id === '2.1')?.denominator;
        samples.push({
          at,
          alerts: board?.alerts.length,
          card: card ? fingerprint(card) : undefined,
          dossiers: dossiers ?? undefined,
          state: demo?.state,
        });
        if (demo?.state === 'done') break;
        await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (performance.now() - t0 - at))));
      }
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
    if (!report) throw new Error('npm start -- --demo printed no seeding report');
    const last = samples[samples.length - 1];
    const finalAlerts = last.alerts ?? 0;
    return {
      report,
      period,
      boardFirst: samples.find((s) => (s.alerts ?? 0) > 0)?.at,
      boardFull: samples.find((s) => s.alerts !== undefined && s.alerts >= finalAlerts)?.at,
      finalAlerts,
      cardFirst: samples.find((s) => (s.dossiers ?? 0) > 0)?.at,
      cardFull: samples.find((s) => s.card !== undefined && s.card === last.card)?.at,
      written: samples.find((s) => s.state === 'catching-up' || s.state === 'done')?.at,
      done: last.at,
    };
  });
}

const t = (ms: number | undefined) => (ms === undefined ? 'never' : duration(ms));

async function main(): Promise<void> {
  console.log(`npm start -- --demo (scale ${SCALE ?? 'default'})…`);
  const start = await startDemo();
  const alone = values['skip-alone']
    ? undefined
    : (console.log('npm run demo:seed alone…'), await seedAlone());
  const r = start.report;
  const size =
    `${SCALE ? `scale ${SCALE}` : 'default scale'} (${int(r.dossiers)} dossiers, ${int(r.events ?? r.commands)} ` +
    `events, ${int(r.refused)} refused)`;
  console.log(
    `\nnpm start -- --demo, ${size}: board first ${t(start.boardFirst)}, complete (${start.finalAlerts} alerts) ` +
      `${t(start.boardFull)}; scorecard ${start.period} first ${t(start.cardFirst)}, complete ${t(start.cardFull)}; ` +
      `written ${t(start.written)} (the seeder's own ${duration(r.elapsedMs)}); done ${t(start.done)}` +
      (alone
        ? `\nnpm run demo:seed alone: ${duration(alone.report.elapsedMs)} (${duration(alone.wallMs)} for the whole command)`
        : ''),
  );
  const rows: BenchRow[] = [
    {
      benchmark: `\`npm start -- --demo\`, ${size}: the supervisor board, from the spawn`,
      figure: `first alerts ${t(start.boardFirst)}, all ${start.finalAlerts} ${t(start.boardFull)}`,
      aim: '< 30 s',
    },
    {
      benchmark: `\`npm start -- --demo\`, ${size}: the scorecard of ${start.period} (the page's default), from the spawn`,
      figure: `first dossiers ${t(start.cardFirst)}, final ${t(start.cardFull)}`,
      aim: '< 30 s',
    },
    {
      benchmark: `\`npm start -- --demo\`, ${size}: the whole province on the pages (GET /api/demo done), from the spawn`,
      figure: `${t(start.done)} (all written at ${t(start.written)}; seeding ${duration(r.elapsedMs)})`,
      ...(alone
        ? {
            baseline: `\`npm run demo:seed\` alone (no worker) ${duration(alone.report.elapsedMs)}`,
            ratio: ratio(alone.report.elapsedMs / start.done),
          }
        : {}),
      aim: '< 2 min',
    },
  ];
  writeRows(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
