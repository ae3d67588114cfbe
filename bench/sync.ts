/**
 * National portal sync benchmark: `npm run bench:sync [-- --lives 10000 --pace 1 --seconds 60]`.
 *
 * 1. Throughput: `--lives` dossier lives (a receipt and its processing: two pushes each) are in the store
 *    before the outbox starts; portal-sync.v1 queues every push and the processor sends them, 8 in flight,
 *    to a local gateway that answers each call in 50 ms (a push is two calls: the dossier, then the step).
 *    Figure: accepted pushes per second (the ceiling is 8 / 100 ms = 80/s).
 * 2. Delay at a province's pace: with the outbox live, one new receipt every 1/`--pace` s for `--seconds`;
 *    the delay from each append to its accepted push (the portal's answer recorded): p50/p95.
 * The embedded event store runs in its own process; Redis is REDIS_URL (default local) under a key prefix of
 * its own, removed at the end. Prints figures; asserts nothing.
 */
import { PortalSyncer, bindProjection, portalSyncProjection, type Clock } from '@tracker/application';
import { dossierStreamName, instantFromMs, type DossierEvent } from '@tracker/domain';
import {
  BullmqPortalPushQueue,
  HttpPortalGateway,
  PortalPushProcessor,
  RedisPortalSyncFailures,
  RedisProjectionStore,
  bullConnection,
  bullPrefix,
  loadEnvironment,
} from '@tracker/infrastructure';
import { ProjectionSink, SubscriptionRunner } from '@tracker/projections';
import { FakePortalGateway } from '@tracker/testing/portal/fake-portal-gateway';
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { percentile } from './support/processes';
import { int, writeRows } from './support/results';
import { appendNewDossiers, BENCH_META, benchReceipt, openBenchStore } from './support/store';

const { values } = parseArgs({
  options: {
    lives: { type: 'string', default: '10000' },
    pace: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '60' },
    latency: { type: 'string', default: '50' },
    inflight: { type: 'string', default: '8' },
  },
});
const LIVES = Number(values.lives);
const PACE = Number(values.pace);
const SECONDS = Number(values.seconds);
const INFLIGHT = Number(values.inflight);
const clock: Clock = { now: () => new Date() };

const life = (code: string, receivedMs: number): DossierEvent[] => [
  benchReceipt(code, receivedMs, receivedMs + 14 * 86_400_000, {
    nationalCode: '1.000001',
    applicantName: 'Nguyễn Văn A',
  }),
  {
    type: 'DossierProcessed',
    data: { occurredAt: instantFromMs(receivedMs + 3_600_000), outcome: 'approved' },
  },
];

async function main(): Promise<void> {
  const bench = await openBenchStore('sync');
  const { client, store, feed, redisUrl, prefix, redis } = bench;
  const gateway = await new FakePortalGateway({
    latencyMs: Number(values.latency),
    recordCalls: false,
  }).start();
  const queueConnection = bullConnection(redisUrl);
  const processorConnection = bullConnection(redisUrl);
  const queue = new BullmqPortalPushQueue(queueConnection, bullPrefix(prefix));
  const accepted = new Map<string, number>();
  let processor: PortalPushProcessor | undefined;
  let runner: SubscriptionRunner | undefined;

  try {
    const started = Date.now();
    const T0 = Date.now() - 30 * 86_400_000;
    await appendNewDossiers(store, LIVES, (i) => ({
      code: `S-${i}`,
      events: life(`S-${i}`, T0 + i * 60_000),
    }));
    console.log(
      `populated ${LIVES} dossier lives (${2 * LIVES} pushes) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // 1. Throughput: the outbox starts on a backlog.
    const settings = loadEnvironment(gateway.env).nationalPortal!;
    processor = new PortalPushProcessor(
      new PortalSyncer(store, new HttpPortalGateway(settings), clock),
      new RedisPortalSyncFailures(redis, prefix),
      processorConnection,
      bullPrefix(prefix),
      prefix,
      { concurrency: INFLIGHT, onPushed: (id) => accepted.set(id, Date.now()) },
    );
    const { hooks } = bindProjection(portalSyncProjection, { portalPushes: queue });
    const projections = new RedisProjectionStore(redis, prefix);
    const sink = new ProjectionSink(portalSyncProjection, projections, { hooks });
    runner = new SubscriptionRunner(feed, sink, { batchSize: 1000 });
    const t0 = Date.now();
    runner.start();
    const total = 2 * LIVES;
    let last = 0;
    while (accepted.size < total) {
      await new Promise((r) => setTimeout(r, 200));
      if (Date.now() - last > 10_000) {
        last = Date.now();
        console.log(
          `  ${accepted.size}/${total} pushes accepted after ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
    }
    const seconds = (Math.max(...accepted.values()) - t0) / 1000;
    const rate = total / seconds;
    console.log(
      `throughput: ${total} pushes (${LIVES} lives) in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} pushes/s ` +
        `with ${INFLIGHT} in flight, gateway ${values.latency} ms a call (${gateway.callCount} calls)`,
    );

    // 2. Delay at pace: one receipt every 1/PACE s, the outbox live. First the projection folds the
    // acceptances phase 1 recorded, so the delays are the steady state's, not that backlog's.
    const head = await headPosition(client);
    while (((await projections.status(portalSyncProjection))?.checkpoint.position ?? -1n) < head) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const appended = new Map<string, number>();
    const n = Math.round(PACE * SECONDS);
    const tStart = Date.now();
    for (let i = 0; i < n; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, tStart + (i * 1000) / PACE - Date.now())));
      const code = `L-${i}`;
      const [receipt] = life(code, Date.now() - 60_000);
      const t = Date.now();
      await store.appendToStream(
        dossierStreamName(code),
        [{ event: receipt!, id: randomUUID(), metadata: BENCH_META }],
        'no_stream',
      );
      appended.set(`${code}@0`, t);
    }
    const deadline = Date.now() + 120_000;
    while ([...appended.keys()].some((id) => !accepted.has(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const delays = [...appended].flatMap(([id, t]) => (accepted.has(id) ? [accepted.get(id)! - t] : []));
    const p = (q: number) => percentile(delays, q);
    console.log(
      `delay (append → accepted push) at ${PACE} push/s for ${SECONDS} s: ${delays.length}/${n} pushed, ` +
        `p50 ${int(p(50))} ms, p95 ${int(p(95))} ms, max ${int(Math.max(...delays))} ms`,
    );
    writeRows([
      {
        benchmark: `sync: ${int(LIVES)} dossier lives (${int(total)} pushes) to a local gateway answering in ${values.latency} ms`,
        figure: `${rate.toFixed(1)} pushes/s with ${INFLIGHT} in flight`,
        aim: `ceiling ${int((INFLIGHT * 1000) / (2 * Number(values.latency)))}/s`,
      },
      {
        benchmark: `sync: append → accepted push at ${PACE} push/s`,
        figure: `p50 ${int(p(50))} ms, p95 ${int(p(95))} ms`,
        aim: 'p95 < 5 s',
      },
    ]);
  } finally {
    await runner?.stop();
    await processor?.close();
    await queue.close();
    await queueConnection.quit().catch(() => undefined);
    await processorConnection.quit().catch(() => undefined);
    await gateway.stop();
    await bench.close();
  }
}

/** Commit position of the last event in `$all`. */
async function headPosition(client: EventStoreDBClient): Promise<bigint> {
  let head = 0n;
  for await (const r of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    head = r.event?.position?.commit ?? head;
  }
  return head;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
