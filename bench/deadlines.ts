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
import { DossierReceived, dossierStreamName, instantFromMs } from '@tracker/domain';
import {
  BullmqDeadlineScheduler,
  DeadlineProcessor,
  EsdbEventFeed,
  EsdbEventStore,
  RedisProjectionStore,
  bullConnection,
  bullPrefix,
  unlinkMatching,
} from '@tracker/infrastructure';
import { ProjectionSink, SubscriptionRunner } from '@tracker/projections';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, startEventStoreProcess, stop } from './support/processes';
import { int, writeRows } from './support/results';

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

const received = (code: string, receivedMs: number, dueMs: number): DossierReceived => ({
  type: 'DossierReceived',
  data: {
    code,
    unitId: `U${String(code.length % 20).padStart(2, '0')}`,
    procedureCode: 'P-BENCH',
    procedure: {
      name: 'Thủ tục mẫu',
      timeLimit: { value: 10, unit: 'working-days' },
      onlineLevel: 'none',
      feeRequired: false,
      requiresWrittenResult: true,
    },
    channel: 'in-person',
    receivedAt: instantFromMs(receivedMs),
    dueAt: instantFromMs(dueMs),
    feeAmount: 0,
    calendarVersion: '',
    occurredAt: instantFromMs(receivedMs),
  },
});

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-deadlines-'));
  const es = await startEventStoreProcess(dataDir);
  const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${es.port}?tls=false`);
  const store = new EsdbEventStore(client);
  const feed = new EsdbEventFeed(client);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench:dl:${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisUrl);
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
    for (let i = 0; i < all.length; i += 256) {
      const slice = all.slice(i, i + 256);
      await Promise.all(
        slice.map((d) =>
          store.appendToStream(
            dossierStreamName(d.code),
            [
              {
                event: received(d.code, d.receivedMs, d.dueMs),
                id: randomUUID(),
                metadata: { actor: 'bench', correlationId: 'bench', causationId: 'bench' },
              },
            ],
            'no_stream',
          ),
        ),
      );
    }
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
    for (let i = 0; i < HOT; i += 256) {
      await Promise.all(
        Array.from({ length: Math.min(256, HOT - i) }, (_, j) => {
          const code = `H-${i + j}`;
          const dueMs = base + Math.floor(((i + j) / HOT) * WINDOW_MS);
          return store.appendToStream(
            dossierStreamName(code),
            [
              {
                event: received(code, clock.now().getTime() - 1_000, dueMs),
                id: randomUUID(),
                metadata: { actor: 'bench', correlationId: 'bench', causationId: 'bench' },
              },
            ],
            'no_stream',
          );
        }),
      );
    }
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
    await unlinkMatching(redis, `${prefix}*`);
    await redis.quit();
    await connection.quit().catch(() => undefined);
    await client.dispose();
    await stop(es.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
