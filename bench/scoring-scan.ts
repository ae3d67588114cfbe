// The scorecard scan over 1,000,000 dossiers' facts (four years, 300 units, 2,000 procedures), 100,000
// feedback items and 5,000 publication items: median time of quarter, year and month scorecards on one
// core, over the facts as objects (each parsed from its own JSON document, as a reader loads them) and as
// a FactsTable (columns), by method qd766-v2; then v2 beside v1 over the table (what the feedback,
// publication and 6.5 criteria cost). Prints figures; asserts nothing.
//   node -r @swc-node/register bench/scoring-scan.ts   (N=…, FEEDBACK=…, PUBLICATIONS=…, RUNS=… to resize)
import {
  computeScorecard,
  FactsTable,
  FeedbackTable,
  feedbackSubjectsOf,
  QD766_V1,
  QD766_V2,
  type DossierFacts,
  type ScoringMethod,
} from '../libs/domain/src/scoring';
import {
  generateFacts,
  generateFeedbackFacts,
  generatePublicationItems,
  vn,
} from '../libs/domain/src/scoring/scoring.fixtures';
import { int, ms, ratio, writeRows } from './support/results';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 15);
const FEEDBACK = Number(process.env.FEEDBACK ?? 100_000);
const PUBLICATIONS = Number(process.env.PUBLICATIONS ?? 5_000);
let t0 = performance.now();
const generated = generateFacts(N, vn('2021-01-01T00:00'), vn('2025-01-01T00:00'));
const { units, procedures } = generated;
const feedback = generateFeedbackFacts(FEEDBACK, units, vn('2021-01-01T00:00'), vn('2025-01-01T00:00'), N);
// The objects path gets the items as a list and the items naming a dossier as a log; the table path gets
// what the API's feedback reader keeps: a FeedbackTable (indexed by period, the log inside).
const feedbackSubjects = feedbackSubjectsOf(feedback);
const feedbackTable = FeedbackTable.from(feedback);
const publications = generatePublicationItems(
  PUBLICATIONS,
  procedures,
  vn('2021-01-01T00:00'),
  vn('2025-01-01T00:00'),
);
const objects: DossierFacts[] = generated.facts.map((f) => JSON.parse(JSON.stringify(f)));
console.log(`generated ${N.toLocaleString('en')} facts in ${(performance.now() - t0).toFixed(0)} ms`);
t0 = performance.now();
// Clustered by period as the API's reader holds it after a load (FactsTable.clustered()).
const table = FactsTable.from(objects).clustered();
console.log(`FactsTable.from: ${(performance.now() - t0).toFixed(0)} ms`);

const asOf = vn('2025-02-01T00:00');
function median(
  label: string,
  facts: DossierFacts[] | FactsTable,
  period: string,
  explainUnit?: string,
  method: ScoringMethod = QD766_V2,
): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    computeScorecard({
      method,
      period,
      asOf,
      units,
      procedures,
      facts,
      ...(method !== QD766_V2
        ? {}
        : facts instanceof FactsTable
          ? { feedback: feedbackTable, publications }
          : { feedback, feedbackSubjects, publications }),
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
const v1 = scans
  .slice(0, 3)
  .map(([label, period]) => median(`table, qd766-v1: ${label}`, table, period, undefined, QD766_V1));
const of = `${int(N)} dossiers' facts, ${int(FEEDBACK)} feedback items, ${int(PUBLICATIONS)} publication items`;
writeRows([
  ...scans.map(([label], i) => ({
    benchmark: `scorecard scan (qd766-v2) over ${of}, one core: ${label}`,
    figure: `FactsTable ${ms(medians.table[i])} ms (median of ${RUNS})`,
    baseline: `objects ${ms(medians.objects[i])} ms`,
    ratio: ratio(medians.objects[i] / medians.table[i]),
  })),
  ...v1.map((t, i) => ({
    benchmark: `scorecard scan over the FactsTable, qd766-v2 beside qd766-v1 (${of}): ${scans[i][0]}`,
    figure: `v2 ${ms(medians.table[i])} ms`,
    baseline: `v1 ${ms(t)} ms`,
    ratio: ratio(t / medians.table[i]),
  })),
]);
