import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { REPO_ROOT } from '../support/eventstore-process';

/** A port nobody listens on right now (the soak keeps its ports across restarts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Spec = Readonly<{
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Resolves once the process serves (a log line, a probe answering). */
  ready: (p: ManagedProcess) => Promise<void>;
}>;

/**
 * One of the soak's processes: started, SIGKILLed and started again on the same port and data, with its
 * output appended to `<logDir>/<name>.log` so a failed soak can be read afterwards.
 */
export class ManagedProcess {
  private child?: ChildProcess;
  private lines: string[] = [];
  starts = 0;
  kills = 0;

  constructor(
    private readonly spec: Spec,
    private readonly logDir: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const log = createWriteStream(join(this.logDir, `${this.spec.name}.log`), { flags: 'a' });
    log.write(`--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
    });
    this.child = child;
    this.lines = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > 500) this.lines.shift();
        log.write(`${line}\n`);
      });
    }
    child.once('exit', (code, signal) => {
      log.end(`--- exit ${code ?? signal} at ${new Date().toISOString()}\n`);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.spec.ready(this),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.spec.name} not ready in ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
        new Promise((_, reject) =>
          child.once('exit', (code, signal) =>
            reject(new Error(`${this.spec.name} exited with ${code ?? signal} while starting`)),
          ),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once a line of output since the last start matches. */
  async waitForLine(pattern: RegExp): Promise<void> {
    while (!this.lines.some((l) => pattern.test(l))) await sleep(50);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return;
    const exited = new Promise((r) => child.once('exit', r));
    if (signal === 'SIGKILL') this.kills++;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}

const node = (entry: string, args: string[] = []) => ({
  command: process.execPath,
  args: ['-r', '@swc-node/register', entry, ...args],
});

export function eventStoreProcess(port: number, dataDir: string, logDir: string): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'eventstore',
      ...node('apps/eventstore/src/main.ts', ['--port', String(port), '--data', dataDir]),
      ready: (p) => p.waitForLine(/"event":"listening"/),
    },
    logDir,
  );
}

/** A Redis of the soak's own (no persistence): a restart is a restart with every key gone. */
export function redisProcess(port: number, logDir: string): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'redis',
      command: 'redis-server',
      args: ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      ready: async () => {
        for (;;) {
          const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
          probe.on('error', () => undefined); // refused until it listens: that is what we wait for
          try {
            await probe.connect();
            if ((await probe.ping()) === 'PONG') return;
          } catch {
            /* not up yet */
          } finally {
            probe.disconnect();
          }
          await sleep(50);
        }
      },
    },
    logDir,
  );
}

export function apiProcess(port: number, env: Record<string, string>, logDir: string): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'api',
      ...node('apps/api/src/main.ts', ['--no-worker']),
      env: { ...env, PORT: String(port) },
      ready: async () => {
        for (;;) {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
              signal: AbortSignal.timeout(2000),
            });
            if (res.status === 200) return;
          } catch {
            /* not up yet */
          }
          await sleep(100);
        }
      },
    },
    logDir,
  );
}

export function workerProcess(env: Record<string, string>, logDir: string): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'worker',
      ...node('apps/worker/src/main.ts'),
      env,
      ready: (p) => p.waitForLine(/worker running/),
    },
    logDir,
  );
}
