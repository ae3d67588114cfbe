// The scorecard scan over 1,000,000 dossiers' facts (four years, 300 units, 2,000 procedures): median
// time of quarter, year and month scorecards on one core, over the facts as objects (each parsed from its
// own JSON document, as a reader loads them) and as a FactsTable (columns). Prints figures; asserts nothing.
//   node -r @swc-node/register bench/scoring-scan.ts        (N=…, RUNS=… to change the size)
import { computeScorecard, FactsTable, QD766_V1, type DossierFacts } from '../libs/domain/src/scoring';
import { generateFacts, vn } from '../libs/domain/src/scoring/scoring.fixtures';
import { int, ms, ratio, writeRows } from './support/results';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 15);
let t0 = performance.now();
const generated = generateFacts(N, vn('2021-01-01T00:00'), vn('2025-01-01T00:00'));
const { units, procedures } = generated;
const objects: DossierFacts[] = generated.facts.map((f) => JSON.parse(JSON.stringify(f)));
console.log(`generated ${N.toLocaleString('en')} facts in ${(performance.now() - t0).toFixed(0)} ms`);
t0 = performance.now();
const table = FactsTable.from(objects);
console.log(`FactsTable.from: ${(performance.now() - t0).toFixed(0)} ms`);

const asOf = vn('2025-02-01T00:00');
function median(
  label: string,
  facts: DossierFacts[] | FactsTable,
  period: string,
  explainUnit?: string,
): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    computeScorecard({
      method: QD766_V1,
      period,
      asOf,
      units,
      procedures,
      facts,
      ...(explainUnit ? { explain: true, onlyUnitIds: [explainUnit] } : {}),
    });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(34)} median ${med.toFixed(1).padStart(6)} ms  (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}; ${RUNS} runs)`,
  );
  return med;
}
const scans: [string, string, string?][] = [
  ['quarter 2024-Q2', '2024-Q2'],
  ['year 2024', '2024'],
  ['month 2024-05', '2024-05'],
  ['quarter, explain one unit', '2024-Q2', units[0].unitId],
];
const medians = { objects: [] as number[], table: [] as number[] };
for (const [kind, facts] of [
  ['objects', objects],
  ['table', table],
] as const) {
  for (const [label, period, unit] of scans)
    medians[kind].push(median(`${kind}: ${label}`, facts, period, unit));
}
writeRows(
  scans.map(([label], i) => ({
    benchmark: `scorecard scan over ${int(N)} dossiers' facts, one core: ${label}`,
    figure: `FactsTable ${ms(medians.table[i])} ms (median of ${RUNS})`,
    baseline: `objects ${ms(medians.objects[i])} ms`,
    ratio: ratio(medians.objects[i] / medians.table[i]),
  })),
);
