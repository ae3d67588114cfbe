import { parseArgs } from 'node:util';
import { formatReport, runSoak } from './soak';

/**
 * `npm run soak [-- --duration 300 --seed 766 --rate 20 --faults N --keep]`: the whole tracker in separate
 * processes under a steady load with faults; prints the checks as a table and exits 1 on any mismatch.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      faults: { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  const seconds = Number(values.duration ?? 300);
  if (!(seconds >= 10 && seconds <= 3600)) throw new Error('--duration is in seconds, from 10 to 3600');
  const rate = Number(values.rate ?? 20);
  if (!(rate > 0 && rate <= 500)) throw new Error('--rate is requests a second, up to 500');
  const report = await runSoak({
    durationMs: seconds * 1000,
    seed: Number(values.seed ?? 766),
    rate,
    ...(values.faults ? { faults: Number(values.faults) } : {}),
    keepFiles: values.keep ?? false,
    log: (line) => console.log(line),
  });
  console.log(formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
