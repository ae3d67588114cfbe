import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../support/eventstore-process';

// The short soak, through the same entry point as `npm run soak`: the event store, API and worker as separate
// processes with their own Redis, 40 s of clerks' commands, bad requests and replays, with the worker, the
// event store and Redis each SIGKILLed and restarted once.
jest.setTimeout(420_000);

it('loses and doubles nothing through a worker crash, an event store crash and an emptied Redis', async () => {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'test/soak/main.ts', '--duration', '40', '--rate', '12', '--faults', '3'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

  const checks = output.split('\n').filter((l) => /\| (ok|MISMATCH) \|$/.test(l));
  expect({ code, mismatches: checks.filter((l) => l.endsWith('| MISMATCH |')) }).toEqual({
    code: 0,
    mismatches: [],
  });
  expect(checks).toHaveLength(10);
  const figure = (name: string) => output.match(new RegExp(`^\\| ${name} \\| (.*) \\|$`, 'm'))?.[1] ?? '';
  expect(
    figure('faults')
      .split(' ')
      .map((f) => f.split('@')[0])
      .sort(),
  ).toEqual(['eventstore', 'redis', 'worker']);
  // The faults did bite: some requests met an outage and were retried.
  expect(Number(figure('requests retried \\(no answer, 5xx, in progress\\)'))).toBeGreaterThan(0);
});
