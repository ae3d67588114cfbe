import { fork } from 'node:child_process';
import { extname, join } from 'node:path';
import type { DemoSeedProgress, DemoSeedReport } from './demo.seeder';

/** What `seed-demo.main` tells the process that forked it. */
export type DemoChildMessage =
  | Readonly<{ type: 'log'; line: string }>
  | Readonly<{ type: 'progress'; progress: DemoSeedProgress }>
  | Readonly<{ type: 'report'; report: DemoSeedReport }>;

export type DemoChild = Readonly<{
  /** The seeder's report; undefined when the province was already there. Rejects when the child fails. */
  done: Promise<DemoSeedReport | undefined>;
  stop(): void;
}>;

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
}): DemoChild {
  // The same loader as this process (swc-node from the sources, none from a build).
  const script = join(__dirname, `seed-demo.main${extname(__filename)}`);
  const child = fork(script, options.scale ? ['--scale', String(options.scale)] : [], {
    execArgv: [...process.execArgv, '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let report: DemoSeedReport | undefined;
  child.on('message', (message: DemoChildMessage) => {
    if (message.type === 'log') options.onLog(message.line);
    else if (message.type === 'progress') options.onProgress(message.progress);
    else report = message.report;
  });
  const done = new Promise<DemoSeedReport | undefined>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(report);
      else reject(new Error(`the seeding process ended with ${signal ?? `exit code ${code}`}`));
    });
  });
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
