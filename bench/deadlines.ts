/**
 * Deadline benchmark: `npm run bench:deadlines [-- --dossiers 100000 --hot 2000 --window 30]`.
 *
 * 1. Scheduling: `--dossiers` open dossiers (DossierReceived appended straight to the store, due dates spread
 *    over the next month) plus `--hot` ones due within the next `--window` seconds. deadline-scheduling.v1 (a
 *    projection on the runner whose effects add the BullMQ jobs) starts from the beginning of
 *    `$all`: time until every dossier's jobs are added and checkpointed, in dossiers/s.
 * 2. Firing under that load: the processor runs beside the reactor; for each hot dossier, the delay between
 *    its due instant and the DossierBecameOverdue in the store (the store's record time): p50/p95/max.
 * The embedded event store runs in its own process; Redis is REDIS_URL (default local) under a key prefix of
 * its own, removed at the end. Prints figures; asserts nothing.
 */
import {
  CalendarProvider,
  DeadlineFlagger,
  VersionedCalendars,
  bindProjection,
  deadlineSchedulingProjection,
  type Clock,
} from '@tracker/application';
import {
  BullmqDeadlineScheduler,
  DeadlineProcessor,
  RedisProjectionStore,
  bullConnection,
  bullPrefix,
} from '@tracker/infrastructure';
import { ProjectionSink, SubscriptionRunner } from '@tracker/projections';
import { parseArgs } from 'node:util';
import { percentile } from './support/processes';
import { int, writeRows } from './support/results';
import { appendNewDossiers, benchReceipt, openBenchStore } from './support/store';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '100000' },
    hot: { type: 'string', default: '2000' },
    window: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '64' },
  },
});
const DOSSIERS = Number(values.dossiers);
const HOT = Number(values.hot);
const WINDOW_MS = Number(values.window) * 1000;
const DAY = 86_400_000;

/** The real clock moved to a chosen instant: time runs at its real rate. */
class OffsetClock implements Clock {
  constructor(readonly offset: number) {}
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

async function main(): Promise<void> {
  const bench = await openBenchStore('dl');
  const { store, feed, redisUrl, prefix, redis } = bench;
  const connection = bullConnection(redisUrl);
  // "Now" is a Monday 09:00 (+07:00): receipts in the past hour, dues over the coming month.
  const T0 = Date.parse('2025-06-02T09:00:00+07:00');
  const clock = new OffsetClock(T0 - Date.now());

  try {
    // Populate (not timed in the figures).
    const started = Date.now();
    const all: { code: string; receivedMs: number; dueMs: number }[] = [];
    for (let i = 0; i < DOSSIERS; i++) {
      const dueMs = T0 + 60_000 + Math.floor(Math.random() * 30 * DAY);
      // Received within the last hour: their rungs lie ahead (a backlog of past rungs is not this measure).
      all.push({ code: `B-${i}`, receivedMs: T0 - Math.floor(Math.random() * 3_600_000) - 1, dueMs });
    }
    await appendNewDossiers(store, all.length, (i) => ({
      code: all[i].code,
      events: [benchReceipt(all[i].code, all[i].receivedMs, all[i].dueMs)],
    }));
    console.log(`populated ${DOSSIERS} dossiers in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // 1. Scheduling from the start of $all.
    const projections = new RedisProjectionStore(redis, prefix);
    const scheduler = new BullmqDeadlineScheduler(connection, bullPrefix(prefix));
    const calendars = new VersionedCalendars(new CalendarProvider(store));
    const { hooks } = bindProjection(deadlineSchedulingProjection, {
      deadlines: { scheduler, calendars, clock },
    });
    const sink = new ProjectionSink(deadlineSchedulingProjection, projections, { hooks });
    const runner = new SubscriptionRunner(feed, sink, { batchSize: 1000 });
    const t0 = Date.now();
    runner.start();
    await runner.whenCaughtUp();
    const seconds = (Date.now() - t0) / 1000;
    const counts = await scheduler.queue.getJobCounts('delayed', 'waiting');
    console.log(
      `scheduling: ${DOSSIERS} dossiers in ${seconds.toFixed(1)} s = ${Math.round(DOSSIERS / seconds)} dossiers/s ` +
        `(${counts.delayed + counts.waiting} jobs)`,
    );

    // 2. Hot dossiers, received now (the reactor live) and due within the window, among the scheduled ones.
    const processorConnections = [0, 1].map(() => bullConnection(redisUrl));
    const processors = processorConnections.map(
      (c) =>
        new DeadlineProcessor(
          new DeadlineFlagger(store, clock),
          () => clock.now().getTime(),
          c,
          bullPrefix(prefix),
          Number(values.concurrency),
        ),
    );
    const delays: number[] = [];
    const sub = feed.subscribe(
      { streamPrefixes: ['dossier-H-'], after: runner.status().position },
      {
        onEvent: ({ event, recordedAt }) => {
          if (event.type !== 'DossierBecameOverdue') return;
          // The store's record time on the tracker's clock, minus the due instant.
          const due = Date.parse((event.data as { dueAt: string }).dueAt);
          delays.push(recordedAt.getTime() + clock.offset - due);
        },
      },
    );
    const base = clock.now().getTime() + 10_000;
    await appendNewDossiers(store, HOT, (i) => ({
      code: `H-${i}`,
      events: [
        benchReceipt(`H-${i}`, clock.now().getTime() - 1_000, base + Math.floor((i / HOT) * WINDOW_MS)),
      ],
    }));
    const deadline = Date.now() + WINDOW_MS + 120_000;
    while (delays.length < HOT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const p = (q: number) => (delays.length ? percentile(delays, q) : NaN);
    console.log(
      `overdue delay (due instant → event in the store), ${delays.length}/${HOT} hot dossiers due within ${WINDOW_MS / 1000} s, ` +
        `${DOSSIERS} others scheduled: p50 ${p(50)} ms, p95 ${p(95)} ms, max ${delays.length ? Math.max(...delays) : NaN} ms`,
    );
    writeRows([
      {
        benchmark: `deadlines: scheduling ${int(DOSSIERS)} open dossiers`,
        figure: `${int(DOSSIERS / seconds)} dossiers/s`,
        aim: '≥ 5,000/s',
      },
      {
        benchmark: `deadlines: due instant → event in the store, ${int(HOT)} dossiers due within ${WINDOW_MS / 1000} s, under that load`,
        figure: delays.length
          ? `p50 ${int(p(50))} ms, p95 ${int(p(95))} ms, max ${int(Math.max(...delays))} ms` +
            (delays.length < HOT ? ` (only ${int(delays.length)} of ${int(HOT)} fired)` : '')
          : `none of ${int(HOT)} fired`,
        aim: 'p95 < 1 s',
      },
    ]);
    await sub.stop();
    await runner.stop();
    await Promise.all(processors.map((x) => x.close()));
    await Promise.all(processorConnections.map((c) => c.quit().catch(() => c.disconnect())));
    await scheduler.close();
  } finally {
    await connection.quit().catch(() => undefined);
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
