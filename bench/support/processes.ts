import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Starts the standalone embedded event store and resolves with its port once it prints "listening".
 * BENCH_EVENTSTORE_CWD=<dir>: the event store of another checkout (with its node_modules), for an A/B.
 */
export async function startEventStoreProcess(
  dataDir: string,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'apps/eventstore/src/main.ts', '--port', '0', '--data', dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.env.BENCH_EVENTSTORE_CWD ?? process.cwd() },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; port?: number };
        if (msg.event === 'listening' && msg.port) resolve(msg.port);
      } catch {
        /* not a JSON line */
      }
    });
    child.once('exit', (code) => reject(new Error(`event store exited with ${code}`)));
  });
  return { port, child };
}

/** The options `npm run start:api` gives node (package.json's script), so a bench runs the API as it is run. */
export function apiNodeOptions(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
    .scripts['start:api'];
  const [, ...args] = script.split(/\s+/);
  const end = args.findIndex((a) => !a.startsWith('--'));
  return args.slice(0, end === -1 ? args.length : end);
}

/** The built API (`npm run build`), as `npm run start:prod` runs it. */
export const BUILT_API = 'dist/apps/api/src/main.js';

/**
 * Starts the API (no worker) as its own process, with start:api's node options, and waits until /api/health answers 200 (it answers 503
 * while its reference data loads). `nodeArgs` go to node before the script (e.g. `--cpu-prof`), and so do
 * those of BENCH_API_NODE_ARGS (space-separated). `built`: the built JavaScript (BUILT_API, production's
 * way) rather than the sources through @swc-node/register.
 */
export async function startApiProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
  built = false,
): Promise<ChildProcess> {
  const extra = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [
      ...apiNodeOptions(),
      ...nodeArgs,
      ...extra,
      ...(built ? [BUILT_API] : ['-r', '@swc-node/register', 'apps/api/src/main.ts']),
      '--no-worker',
    ],
    {
      // BENCH_API_LOG=<file>: the API's log lines (what its start spent its time on) appended there.
      stdio: [
        'ignore',
        process.env.BENCH_API_LOG ? openSync(process.env.BENCH_API_LOG, 'a') : 'ignore',
        'inherit',
      ],
      env: { ...process.env, ...env },
      // BENCH_API_CWD=<dir>: the API of another checkout (with its node_modules), for an A/B on the same data.
      cwd: process.env.BENCH_API_CWD ?? process.cwd(),
    },
  );
  return healthy(child, env.PORT, timeoutMs, 'API');
}

/** The measuring sticks of `npm run bench:commands`: the same commands without the API's pipeline. */
export type CeilingServer = 'bare' | 'nest-express' | 'nest-fastify';

/**
 * Starts one of them with the API's node options, and waits until it answers: bench/support/bare-command-server.ts
 * (bare node:http, no Nest or Express) or bench/support/nest-command-server.ts (one Nest controller, on Express
 * or on Fastify).
 */
export async function startCeilingServer(
  kind: CeilingServer,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const script =
    kind === 'bare' ? 'bench/support/bare-command-server.ts' : 'bench/support/nest-command-server.ts';
  const child = spawn(process.execPath, [...apiNodeOptions(), '-r', '@swc-node/register', script], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, NEST_ADAPTER: kind === 'nest-fastify' ? 'fastify' : 'express' },
  });
  return healthy(child, env.PORT, 30_000, `${kind} command server`);
}

/** Resolves with `child` once it answers 200 on /api/health; kills it when that takes over `timeoutMs`. */
async function healthy(
  child: ChildProcess,
  port: string,
  timeoutMs: number,
  name: string,
): Promise<ChildProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return child;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready in ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A process's resident set now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** The CPU time a process has used so far (user + system, /proc/<pid>/stat), in milliseconds. */
export function cpuTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) in parentheses; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
