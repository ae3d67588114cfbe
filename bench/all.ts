/**
 * Every benchmark in one run: `npm run bench [-- [--quick] [--only eventstore,projections]]`.
 *
 * Runs each bench as a child process of its own (its own memory and event loop, its own node flags) with
 * BENCH_RESULT_FILE set, collects the rows each writes there, and writes ONE Markdown table (benchmark,
 * figure, baseline measured in the same run, ratio, aim) under a "Machine:" line:
 *   - the full sizes (the default): bench/results/latest.md and latest.json, and the region between
 *     `<!-- bench:begin -->` and `<!-- bench:end -->` in README.md;
 *   - `--quick` (smaller sizes, a fast check): bench/results/quick.md and quick.json only (not committed).
 * `--only a,b` runs those benches and keeps the other benches' rows from the previous latest.json (or
 * quick.json), saying so under the table. A bench that fails gets a "failed" row; the run goes on and exits
 * with 1 at the end. While it runs, it samples the CPU time of processes that are not its own (nor Redis's)
 * to say whether other work was running. Not a test: nothing asserts on time.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import type { BenchRow } from './support/results';

interface Bench {
  name: string;
  script: string;
  nodeFlags?: string[];
  /** Arguments and environment of the quick run; the full run uses each bench's defaults. */
  quickArgs?: string[];
  quickEnv?: Record<string, string>;
}

const BENCHES: Bench[] = [
  {
    name: 'eventstore',
    script: 'bench/eventstore.ts',
    quickArgs: ['--runs', '3', '--singles', '2000', '--batches', '40'],
  },
  {
    name: 'commands',
    script: 'bench/commands.ts',
    quickArgs: ['--dossiers', '2000', '--rated-dossiers', '500', '--keyed-dossiers', '1000'],
  },
  {
    name: 'projections',
    script: 'bench/projections.ts',
    nodeFlags: ['--max-old-space-size=8192'],
    quickArgs: ['--dossiers', '100000'],
  },
  {
    name: 'deadlines',
    script: 'bench/deadlines.ts',
    quickArgs: ['--dossiers', '10000', '--hot', '500', '--window', '10'],
  },
  { name: 'sync', script: 'bench/sync.ts', quickArgs: ['--lives', '1000', '--seconds', '20'] },
  { name: 'scoring-scan', script: 'bench/scoring-scan.ts', quickEnv: { N: '100000', RUNS: '5' } },
  { name: 'demo-seed', script: 'bench/demo-seed.ts', quickArgs: ['--scale', '0.01'] },
  { name: 'fold', script: 'bench/fold.ts', quickEnv: { RUNS: '5' } },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const QUICK = values.quick!;
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
if (unknown.length) {
  console.error(
    `unknown bench ${unknown.join(', ')}; the benches are ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const SELECTED = only ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
const RESULTS_DIR = join(__dirname, 'results');
const RESULTS = join(RESULTS_DIR, QUICK ? 'quick' : 'latest');
const README = join(__dirname, '..', 'README.md');

interface BenchResult {
  date: string;
  seconds: number;
  rows: BenchRow[];
  failed?: string;
}

interface Results {
  machine: string;
  benches: Record<string, BenchResult>;
}

/** Runs one bench as a child process; resolves with its rows (or a failure) and its wall time. */
function run(bench: Bench, resultFile: string): Promise<BenchResult> {
  const args = [...(bench.nodeFlags ?? []), '-r', '@swc-node/register', bench.script];
  const extraArgs = QUICK ? (bench.quickArgs ?? []) : [];
  const env = { ...process.env, ...(QUICK ? bench.quickEnv : {}), BENCH_RESULT_FILE: resultFile };
  console.log(`\n=== ${bench.name}: node ${[...args, ...extraArgs].join(' ')} ===\n`);
  const started = Date.now();
  const child = spawn(process.execPath, [...args, ...extraArgs], {
    stdio: 'inherit',
    env,
    cwd: join(__dirname, '..'),
  });
  return new Promise((resolve) => {
    const done = (failed?: string) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const date = new Date().toISOString().slice(0, 10);
      let rows: BenchRow[] = [];
      if (!failed) {
        try {
          rows = (JSON.parse(readFileSync(resultFile, 'utf8')) as { rows: BenchRow[] }).rows;
        } catch {
          failed = 'wrote no rows';
        }
      }
      if (failed) rows = [{ benchmark: bench.name, figure: `failed (${failed})` }];
      console.log(`\n=== ${bench.name}: ${failed ? `failed (${failed})` : 'done'} in ${seconds} s ===`);
      resolve({ date, seconds, rows, ...(failed ? { failed } : {}) });
    };
    child.once('error', (error) => done(error.message));
    child.once('exit', (code, signal) =>
      done(code === 0 ? undefined : signal ? `killed by ${signal}` : `exit code ${code}`),
    );
  });
}

/**
 * Every few seconds, the CPU time used since the last sample by the processes that are neither this run's
 * (its descendants) nor Redis's (which the benches load): how often other work was running. Linux only
 * (/proc); elsewhere it says nothing.
 */
class OtherWork {
  private last = new Map<number, number>();
  private lastAt = 0;
  private timer?: NodeJS.Timeout;
  samples = 0;
  busy = 0;
  peak = 0;

  start(): void {
    if (!existsSync('/proc/self/stat')) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), 5_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const procs = new Map<number, { ppid: number; ticks: number; comm: string }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const fields = stat.slice(close + 2).split(' ');
        procs.set(Number(entry), {
          comm: stat.slice(stat.indexOf('(') + 1, close),
          ppid: Number(fields[1]),
          ticks: Number(fields[11]) + Number(fields[12]),
        });
      } catch {
        /* gone already */
      }
    }
    const ours = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++)
        if (p === process.pid) return true;
      return false;
    };
    const now = Date.now();
    let ticks = 0;
    for (const [pid, p] of procs) {
      const before = this.last.get(pid);
      if (before !== undefined && !ours(pid) && !p.comm.startsWith('redis-server')) ticks += p.ticks - before;
    }
    if (this.lastAt) {
      // Linux counts CPU time in 1/100 s.
      const cores = ticks / 100 / ((now - this.lastAt) / 1000);
      this.samples++;
      if (cores >= 0.5) this.busy++;
      this.peak = Math.max(this.peak, cores);
    }
    this.last = new Map([...procs].map(([pid, p]) => [pid, p.ticks]));
    this.lastAt = now;
  }

  describe(): string {
    if (!this.samples) return '';
    if (!this.busy) return 'no other work was running (other processes used under half a core throughout)';
    return (
      `other work was sometimes running (other processes used half a core or more in ` +
      `${Math.round((this.busy / this.samples) * 100)} % of the 5-s samples, up to ${this.peak.toFixed(1)} cores)`
    );
  }
}

async function redisVersion(): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    redis.disconnect();
  }
}

function sqliteVersions(): string {
  const pkg = JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as {
    version: string;
  };
  const db = new Database(':memory:');
  try {
    const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    return `better-sqlite3 ${pkg.version} (SQLite ${v}; WAL; the event store syncs every commit unless a row says synchronous=NORMAL)`;
  } finally {
    db.close();
  }
}

const took = (seconds: number) => (seconds < 120 ? `${seconds} s` : `${(seconds / 60).toFixed(1)} min`);

/** Wraps a paragraph at 110 characters, as the README's prose is. */
const wrap = (text: string, width = 110) =>
  text
    .split(' ')
    .reduce<string[]>((lines, word) => {
      const last = lines[lines.length - 1];
      if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] += ` ${word}`;
      else lines.push(word);
      return lines;
    }, [])
    .join('\n');

/** The "Latest figures" block: heading, Machine line, the table and, if any, a note of carried-over rows. */
function render(results: Results, carried: string[]): string {
  const row = (cells: (string | undefined)[]) =>
    `|${cells.map((c) => (c ? ` ${c.replace(/\|/g, '\\|')} ` : ' ')).join('|')}|`;
  const lines = [
    '### Latest figures',
    '',
    wrap(results.machine),
    '',
    '| benchmark | figure | baseline (same run) | ratio | aim |',
    '|---|---|---|---|---|',
  ];
  for (const bench of BENCHES) {
    for (const r of results.benches[bench.name]?.rows ?? [])
      lines.push(row([r.benchmark, r.figure, r.baseline, r.ratio, r.aim]));
  }
  if (carried.length)
    lines.push(
      '',
      wrap(
        `Rows of ${carried.map((name) => `${name} (${results.benches[name].date})`).join(', ')} are from an ` +
          'earlier run (`npm run bench -- --only …`).',
      ),
    );
  return lines.join('\n');
}

/** Replaces the lines between the README's marker lines (each a line of its own) with the block. */
function replaceReadmeRegion(block: string): void {
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const lines = readFileSync(README, 'utf8').split('\n');
  const from = lines.findIndex((line) => line.trim() === begin);
  const to = lines.findIndex((line, i) => i > from && line.trim() === end);
  if (from < 0 || to < 0) {
    console.error(`README.md has no ${begin} … ${end} lines; left alone`);
    return;
  }
  lines.splice(from + 1, to - from - 1, ...block.split('\n'));
  writeFileSync(README, lines.join('\n'));
}

async function main(): Promise<void> {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'bench-all-'));
  const otherWork = new OtherWork();
  otherWork.start();
  const fresh: Record<string, BenchResult> = {};
  try {
    for (const bench of SELECTED) fresh[bench.name] = await run(bench, join(scratch, `${bench.name}.json`));
  } finally {
    otherWork.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const seconds = Math.round((Date.now() - started) / 1000);

  const previous: Results | undefined =
    only && existsSync(`${RESULTS}.json`)
      ? (JSON.parse(readFileSync(`${RESULTS}.json`, 'utf8')) as Results)
      : undefined;
  const carried = BENCHES.map((b) => b.name).filter((name) => !fresh[name] && previous?.benches[name]);
  const benches = Object.fromEntries(
    BENCHES.flatMap((b) => {
      const result = fresh[b.name] ?? previous?.benches[b.name];
      return result ? [[b.name, result]] : [];
    }),
  );

  const cpu = cpus();
  const options = [...(QUICK ? ['--quick'] : []), ...(only ? ['--only', only.join(',')] : [])];
  const machine =
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.versions.node}, Redis ${await redisVersion()}, ` +
    `${sqliteVersions()}, on ${new Date().toISOString().slice(0, 10)}; the embedded event store in a process ` +
    'of its own for commands, projections, deadlines and eventstore (whose in-process read says so), and in the ' +
    `seeding process for demo-seed. ${QUICK ? 'Quick sizes (`--quick`). ' : ''}` +
    'Figures are medians where a bench repeats; ratio is the figure’s speed over the baseline’s. ' +
    `\`npm run bench${options.length ? ` -- ${options.join(' ')}` : ''}\` took ` +
    `${took(seconds)} (${SELECTED.map((b) => `${b.name} ${took(fresh[b.name].seconds)}`).join(', ')})` +
    `${otherWork.describe() ? `; ${otherWork.describe()}` : ''}.`;
  const results: Results = { machine, benches };
  const block = render(results, carried);

  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${RESULTS}.md`, `${block}\n`);
  if (!QUICK) replaceReadmeRegion(block);
  console.log(`\n${block}\n\nwritten to ${RESULTS}.md${QUICK ? '' : ' and README.md'}`);
  if (SELECTED.some((b) => fresh[b.name].failed)) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
