/**
 * Demo seed benchmark: `npm run bench:demo-seed [-- --scale 1]`.
 *
 * Times `npm run demo:seed` (the seeder's default scale unless `--scale` is given) into a fresh temporary
 * EVENTSTORE_DATA_DIR (the embedded event store, in the seeding process) with a REDIS_KEY_PREFIX of its own;
 * the data directory and the prefix's keys are removed at the end. The figure is the seeder's own report
 * (dossiers, commands, elapsedMs; aim < 2 min), beside the wall time of the whole command (Node start-up,
 * Nest, closing). Not a test: nothing asserts on time.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { duration, int, writeRows } from './support/results';
import { unlinkMatching } from '@tracker/infrastructure';

const { values } = parseArgs({ options: { scale: { type: 'string' } } });
const SCALE = values.scale;

interface SeedReport {
  dossiers: number;
  commands: number;
  refused: number;
  elapsedMs: number;
}

/** Runs `npm run demo:seed`, echoing its output; resolves with its exit code and its report line. */
function seed(env: NodeJS.ProcessEnv): Promise<{ code: number | null; report?: SeedReport }> {
  const child = spawn('npm', ['run', 'demo:seed', ...(SCALE ? ['--', '--scale', SCALE] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  let report: SeedReport | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(line);
    if (!line.startsWith('{')) return;
    try {
      const parsed = JSON.parse(line) as Partial<SeedReport>;
      if (typeof parsed.elapsedMs === 'number') report = parsed as SeedReport;
    } catch {
      /* not the report */
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, report }));
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-demo-seed-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench:demo:${randomUUID().slice(0, 8)}:`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVENTSTORE_DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
  };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const redis = new Redis(redisUrl);
  try {
    console.log(`npm run demo:seed (scale ${SCALE ?? 'default'}) into ${dataDir}, Redis prefix ${prefix}…`);
    const t0 = performance.now();
    const { code, report } = await seed(env);
    const wall = performance.now() - t0;
    if (code !== 0) throw new Error(`npm run demo:seed exited with ${code}`);
    if (!report) throw new Error('npm run demo:seed printed no report line');
    const rate = (report.commands * 1000) / report.elapsedMs;
    console.log(
      `\ndemo seed: ${int(report.dossiers)} dossiers, ${int(report.commands)} commands (${int(report.refused)} refused) ` +
        `in ${duration(report.elapsedMs)} = ${int(rate)} commands/s; the whole command ${duration(wall)}`,
    );
    writeRows([
      {
        benchmark:
          `demo province, ${SCALE ? `scale ${SCALE}` : 'default scale'} (${int(report.dossiers)} dossiers, ` +
          `${int(report.commands)} commands, ${int(report.refused)} refused)`,
        figure: `${duration(report.elapsedMs)} (${int(rate)} commands/s; ${duration(wall)} for the whole \`npm run demo:seed\`)`,
        aim: '< 2 min',
      },
    ]);
  } finally {
    await unlinkMatching(redis, `${prefix}*`);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
