import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is test/support/). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EventStoreProcess {
  readonly child: ChildProcess;
  readonly host: string;
  readonly port: number;
  /** `esdb://host:port?tls=false` */
  readonly connectionString: string;
  /** Every stdout line so far (the first one is the `listening` line). */
  readonly stdoutLines: string[];
  /** stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** True until the process exits. */
  alive(): boolean;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** Sends a signal to the whole process group (started with `viaNpm`) and returns at once. */
  killTree(signal: NodeJS.Signals): void;
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly stdoutLines: string[];
  stderr(): string;
  readonly exited: Promise<Exit>;
}

export interface SpawnOptions {
  /**
   * Start it as a user would, `npm run eventstore -- <args>` (npm → sh → node), in a process group of its
   * own, so `killTree` can kill the whole tree at once.
   */
  viaNpm?: boolean;
}

/** Runs `node -r @swc-node/register apps/eventstore/src/main.ts <args>` from the repository root. */
export function spawnEventStoreCli(args: string[], options: SpawnOptions = {}): SpawnedProcess {
  const [command, commandArgs] = options.viaNpm
    ? ['npm', ['run', '--silent', 'eventstore', '--', ...args]]
    : [process.execPath, ['-r', '@swc-node/register', 'apps/eventstore/src/main.ts', ...args]];
  const child = spawn(command, commandArgs, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
    detached: options.viaNpm === true,
  });
  const stdoutLines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => stdoutLines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, stdoutLines, stderr: () => stderr, exited };
}

/**
 * Starts the standalone server and resolves once it printed its `listening` line (rejects if it exits or
 * stays silent past the deadline).
 */
export async function startEventStoreProcess(
  args: string[],
  timeoutMs = 60_000,
  options: SpawnOptions = {},
): Promise<EventStoreProcess> {
  const spawned = spawnEventStoreCli(args, options);
  const { child, stdoutLines, exited } = spawned;
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const listening = await new Promise<{ host: string; port: number }>((resolvePromise, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      const line = stdoutLines[0];
      if (line !== undefined) {
        clearInterval(poll);
        try {
          const parsed = JSON.parse(line) as { event?: string; host?: string; port?: number };
          if (parsed.event !== 'listening' || typeof parsed.port !== 'number') throw new Error(line);
          resolvePromise({ host: parsed.host ?? '127.0.0.1', port: parsed.port });
        } catch {
          reject(new Error(`unexpected first stdout line: ${line}`));
        }
      } else if (exit) {
        clearInterval(poll);
        reject(
          new Error(`the event store exited (${JSON.stringify(exit)}) before listening: ${spawned.stderr()}`),
        );
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`the event store did not print its listening line within ${timeoutMs} ms`));
      }
    }, 10);
  });
  return {
    child,
    host: listening.host,
    port: listening.port,
    connectionString: `esdb://${listening.host}:${listening.port}?tls=false`,
    stdoutLines,
    stderr: spawned.stderr,
    exited,
    alive: () => exit === undefined,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exit) return exit;
      child.kill(signal);
      return exited;
    },
    killTree(signal: NodeJS.Signals) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* the group is gone already */
      }
    },
  };
}
