import { fork, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import type { DemoSeedProgress, DemoSeedReport, DemoSeedStage } from './demo.seeder';

/** What `seed-demo.main` tells the process that forked it. */
export type DemoChildMessage =
  | Readonly<{ type: 'log'; line: string }>
  | Readonly<{ type: 'progress'; progress: DemoSeedProgress }>
  /** A stage written: the child waits for `resume`. */
  | Readonly<{ type: 'stage-written'; stage: DemoSeedStage }>
  | Readonly<{ type: 'report'; report: DemoSeedReport }>;

/** What the parent tells `seed-demo.main`: `start` when it was forked early (see forkDemoSeedingEarly). */
export type DemoParentMessage = Readonly<{ type: 'resume' }> | Readonly<{ type: 'start'; scale?: number }>;

export type DemoChild = Readonly<{
  /** The seeder's report; undefined when the province was already there. Rejects when the child fails. */
  done: Promise<DemoSeedReport | undefined>;
  stop(): void;
}>;

let early: ChildProcess | undefined;

function forkChild(args: string[]): ChildProcess {
  // The same loader as this process (swc-node from the sources, none from a build).
  const script = join(__dirname, `seed-demo.main${extname(__filename)}`);
  return fork(script, args, {
    execArgv: [...process.execArgv, '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * `npm start -- --demo`, before this process loads the application: the seeding process loads its code (a
 * few seconds) meanwhile, then waits for `start` (forkDemoSeeding), sent once this process serves the event
 * store (the child must not take the data directory for itself). Ends with this process, or at
 * dropEarlyDemoSeeding when there is nothing to seed.
 */
export function forkDemoSeedingEarly(): void {
  early ??= forkChild(['--wait-for-start']);
}

export function dropEarlyDemoSeeding(): void {
  early?.kill('SIGTERM');
  early = undefined;
}

/**
 * `npm start -- --demo` seeds in a child process (`seed-demo.main`, as `npm run demo:seed`): deciding and
 * sending the commands takes a core of its own, while this process serves the appends, the read models and
 * HTTP. The child finds the embedded event store this process serves through its data directory (or the
 * same external one) and the same Redis, from the same environment.
 */
export function forkDemoSeeding(options: {
  scale?: number;
  onLog: (line: string) => void;
  onProgress: (progress: DemoSeedProgress) => void;
  /** A stage's lives all written: the next stage's are written once this settles. */
  onStageWritten: (stage: DemoSeedStage) => Promise<void>;
}): DemoChild {
  const forked = early;
  early = undefined;
  const child = forked ?? forkChild(options.scale ? ['--scale', String(options.scale)] : []);
  let report: DemoSeedReport | undefined;
  child.on('message', (message: DemoChildMessage) => {
    if (message.type === 'log') options.onLog(message.line);
    else if (message.type === 'progress') options.onProgress(message.progress);
    else if (message.type === 'stage-written') {
      const resume: DemoParentMessage = { type: 'resume' };
      void options.onStageWritten(message.stage).finally(() => {
        if (child.connected) child.send(resume);
      });
    } else report = message.report;
  });
  const done = new Promise<DemoSeedReport | undefined>((resolve, reject) => {
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (code === 0) resolve(report);
      else reject(new Error(`the seeding process ended with ${signal ?? `exit code ${code}`}`));
    };
    // An early child may have ended already (a failure while loading).
    if (child.exitCode !== null || child.signalCode !== null) return ended(child.exitCode, child.signalCode);
    child.once('error', reject);
    child.once('exit', ended);
  });
  if (forked?.connected) {
    const start: DemoParentMessage = { type: 'start', ...(options.scale ? { scale: options.scale } : {}) };
    forked.send(start);
  }
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
