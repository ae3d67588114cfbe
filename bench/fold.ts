// Folding one dossier stream of 500 events with the decider's evolve (as handleCommand, GET /api/dossiers/{code}
// and the read models do), and deciding one more step on the folded state. Median of RUNS folds on one core.
// Prints figures; asserts nothing.
//   node -r @swc-node/register bench/fold.ts        (EVENTS=…, RUNS=… to change the size)
import { dossierDecider, formatInstant, type DossierEvent, type DossierState } from '../libs/domain/src';
import { median } from './support/processes';
import { int, ms, ratio, writeRows } from './support/results';

const EVENTS = Number(process.env.EVENTS ?? 500);
const RUNS = Number(process.env.RUNS ?? 31);
const WARMUP = Number(process.env.WARMUP ?? 50);
const HOUR = 3_600_000;
const received = Date.parse('2025-03-03T08:00:00+07:00');
const at = (i: number) => formatInstant(received + i * HOUR);

/** A long, legal life: receipt, then transfers back and forth, supplement rounds, digitization, payments,
 * syncs and corrections, each an hour after the last (occurredAt order = recording order). */
function stream(n: number): DossierEvent[] {
  const events: DossierEvent[] = [
    {
      type: 'DossierReceived',
      data: {
        code: 'BENCH-1',
        unitId: 'U1',
        procedureCode: 'P1',
        procedure: {
          name: 'Cấp phép',
          timeLimit: { value: 600, unit: 'working-days' },
          onlineLevel: 'full',
          feeRequired: true,
          requiresWrittenResult: true,
        },
        channel: 'in-person',
        receivedAt: at(0),
        dueAt: formatInstant(received + 5_000 * HOUR),
        feeAmount: 50_000,
        calendarVersion: '2025:1',
        occurredAt: at(0),
      },
    },
  ];
  for (let i = 1; events.length < n; i++) {
    const occurredAt = at(i);
    const kind = i % 8;
    events.push(
      kind === 0
        ? {
            type: 'DossierTransferred',
            data: { occurredAt, fromUnitId: i % 16 ? 'U1' : 'U2', toUnitId: i % 16 ? 'U2' : 'U1' },
          }
        : kind === 1
          ? { type: 'InputDigitized', data: { occurredAt, reused: i % 3 === 0, fromPersonalStore: false } }
          : kind === 2
            ? { type: 'DossierSynced', data: { occurredAt } }
            : kind === 3
              ? { type: 'PaidOffline', data: { occurredAt, amount: 1_000 } }
              : kind === 4
                ? {
                    type: 'CorrectionRecorded',
                    data: { occurredAt, field: 'note', value: i, reason: 'r', approvedBy: 'a' },
                  }
                : kind === 5
                  ? { type: 'PaymentRequested', data: { occurredAt, amount: 1_000 } }
                  : kind === 6
                    ? { type: 'DossierSynced', data: { occurredAt } }
                    : {
                        type: 'InputDigitized',
                        data: { occurredAt, reused: false, fromPersonalStore: true },
                      },
    );
  }
  return events;
}

const events = stream(EVENTS);
const fold = (): DossierState => events.reduce(dossierDecider.evolve, dossierDecider.initialState());

/** Times of RUNS calls of each of `runs`, taken in turns (a burst of GC or a slower minute falls on all of
 * them alike), after WARMUP untimed calls of each (the first folds run before the JIT has compiled evolve). */
function timesInTurns(runs: readonly (() => unknown)[]): number[][] {
  for (let i = 0; i < WARMUP; i++) for (const run of runs) run();
  const times = runs.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) {
    runs.forEach((run, j) => {
      const s = performance.now();
      run();
      times[j]!.push(performance.now() - s);
    });
  }
  return times;
}

function report(label: string, times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const med = median(times);
  console.log(
    `${label.padEnd(44)} median ${ms(med).padStart(8)} ms  (min ${ms(sorted[0]!)}, max ${ms(sorted[sorted.length - 1]!)}; ${RUNS} runs)`,
  );
  return med;
}

const state = fold();
if (state.status === 'none' || state.eventCount !== EVENTS) throw new Error('the bench stream did not fold');
const next = {
  type: 'RecordSync' as const,
  data: { occurredAt: at(EVENTS + 1), now: at(EVENTS + 2), actor: { subject: 'c', role: 'clerk' as const } },
};
const halfEvents = events.slice(0, Math.floor(EVENTS / 2));
const [foldTimes, halfTimes, decideTimes] = timesInTurns([
  fold,
  () => halfEvents.reduce(dossierDecider.evolve, dossierDecider.initialState()),
  () => dossierDecider.decide(next, state),
]);
const foldMs = report(`fold ${int(EVENTS)} events (evolve each)`, foldTimes!);
report(`fold ${int(halfEvents.length)} events`, halfTimes!);
const decideMs = report(`decide one step on the ${int(EVENTS)}-event state`, decideTimes!);
// The growth is the median of the runs' own ratios: each pair ran back to back, on the same machine's minute.
const growth = median(foldTimes!.map((t, i) => t / halfTimes![i]!));
console.log(
  `per event: ${((foldMs / EVENTS) * 1000).toFixed(2)} µs; fold(${EVENTS}) / fold(${halfEvents.length}) = ${ratio(growth)} (2 = linear, 4 = quadratic)`,
);
writeRows([
  {
    benchmark: `fold: one dossier stream of ${int(EVENTS)} events`,
    figure: `${ms(foldMs)} ms`,
    aim: 'linear in the events',
  },
  {
    benchmark: `fold: ${int(EVENTS)} vs ${int(halfEvents.length)} events`,
    figure: `×${ratio(growth)}`,
    aim: '≈ 2 (linear)',
  },
  { benchmark: `decide one step on a ${int(EVENTS)}-event state`, figure: `${ms(decideMs)} ms` },
]);
