// The scorecard scan over 1,000,000 dossiers' facts (four years, 300 units, 2,000 procedures): median
// time of a quarter and a year scorecard on one core. Prints figures; asserts nothing.
//   node -r @swc-node/register bench/scoring-scan.ts
import { computeScorecard, QD766_V1 } from '../libs/domain/src/scoring';
import { generateFacts, vn } from '../libs/domain/src/scoring/scoring.fixtures';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 15);
const t0 = performance.now();
const { units, procedures, facts } = generateFacts(N, vn('2021-01-01T00:00'), vn('2025-01-01T00:00'));
console.log(`generated ${N.toLocaleString('en')} facts in ${(performance.now() - t0).toFixed(0)} ms`);

const asOf = vn('2025-02-01T00:00');
function median(label: string, period: string, explain = false): void {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const card = computeScorecard({ method: QD766_V1, period, asOf, units, procedures, facts, explain });
    times.push(performance.now() - s);
    rows = card.units.length;
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(26)} median ${med.toFixed(1)} ms  (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}; ${rows} unit rows, ${RUNS} runs)`,
  );
}
median('quarter 2024-Q2', '2024-Q2');
median('year 2024', '2024');
median('month 2024-05', '2024-05');
median('quarter 2024-Q2, explain', '2024-Q2', true);
