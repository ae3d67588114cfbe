import { formatReport, runSoak } from './soak';

// The short soak: the event store, API and worker as separate processes with their own Redis, 40 s of
// clerks' commands, bad requests and replays, with the worker, the event store and Redis each SIGKILLed and
// restarted once. `npm run soak` is the long one.
jest.setTimeout(420_000);

it('loses and doubles nothing through a worker crash, an event store crash and an emptied Redis', async () => {
  const report = await runSoak({ durationMs: 40_000, rate: 12, seed: 766, faults: 3 });
  const table = formatReport(report);
  expect(report.faults.map((f) => f.kind).sort()).toEqual(['eventstore', 'redis', 'worker']);
  expect(report.rows.filter((r) => !r.ok).map((r) => `${r.check}: ${r.actual}\n${table}`)).toEqual([]);
  // The faults did bite: some requests met an outage and were retried.
  expect(Number(report.figures['requests retried (no answer, 5xx, in progress)'])).toBeGreaterThan(0);
});
