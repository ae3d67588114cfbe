/**
 * Projection benchmark: `npm run bench:projections [-- --dossiers 1000000 --feedback 100000
 * --publications 5000 --units 60 --redis-db 14 --samples 40]`.
 *
 * 1. Generates a province (60 units, procedures, 1,000,000 dossiers with realistic lives, about 8 million
 *    events; 100,000 feedback items through the feedback decider; publication decisions with 5,000 items)
 *    straight into the embedded server's SQLite log, then starts the server on it (its own process).
 * 2. The floor: the same events read with a bare `$all` read through the client, events/s.
 * 3. A full rebuild of every projection of the registry (the worker's runners with their effects, from an
 *    empty Redis database), events/s, and the ratio to the floor (aim ≥ 1/3); then the Redis memory the
 *    read models take (INFO memory used_memory, against the empty database), per 100,000 dossiers, and
 *    each projection's share (MEMORY USAGE of its keys).
 * 4. `GET /api/scorecards` for a quarter and a year through the API (its own process), p50/p95 after the
 *    facts cache is warm (aim: a quarter's p95 < 100 ms); the first, cold request is reported apart, and so
 *    is the API's start on the log (spawn → /api/health 200).
 * 5. The API restarted: spawn → ready → the first quarter's scorecard answered (aim < 3 s); the resident
 *    memory of the API (aim ≤ 1.5 GiB) and of the rebuild's runners (the worker's work, in this process),
 *    and Redis used_memory at the end.
 * Uses its own Redis database and flushes it before and after. Not a test: nothing asserts on time.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventStoreDBClient } from '@eventstore/db-client';
import { CalendarProvider, VersionedCalendars, bindProjections, projectionId } from '@tracker/application';
import { SqliteEventLog } from '@tracker/eventstore-server';
import {
  BullmqDeadlineScheduler,
  EsdbEventFeed,
  EsdbEventStore,
  RedisAlertFeed,
  RedisProjectionStore,
  SystemClock,
  bullConnection,
  bullPrefix,
} from '@tracker/infrastructure';
import { ProjectionSink, SharedEventFeed, SubscriptionRunner } from '@tracker/projections';
import { Redis } from 'ioredis';
import {
  BUILT_API,
  cpuTime,
  median,
  percentile,
  residentMemory,
  startApiProcess,
  startEventStoreProcess,
  stop,
} from './support/processes';
import { duration, int, ms, ratio, writeRows } from './support/results';
import { prng } from '../apps/api/src/demo/prng';
import { defaultVietnamCalendar, feedbackDecider, type Actor, type FeedbackCommand } from '@tracker/domain';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '1000000' },
    feedback: { type: 'string', default: '100000' },
    publications: { type: 'string', default: '5000' },
    units: { type: 'string', default: '60' },
    'redis-db': { type: 'string', default: '14' },
    samples: { type: 'string', default: '40' },
    port: { type: 'string', default: '3918' },
    // Keeps the generated log (in <dir>/eventstore) and the Redis database at the end, for --reuse-data; a
    // later --keep-data run on the same <dir> reuses the log (generation skipped) and rebuilds.
    'keep-data': { type: 'string' },
    // Skips sections 1-3 (generation, floor, rebuild): the log of a --keep-data run and the Redis database
    // it left (read models, reference snapshot) are used as they are, for the API start and restart only.
    'reuse-data': { type: 'string' },
    // Restarts of the API measured (each way it can run), their median reported.
    restarts: { type: 'string', default: '3' },
    // Stops after section 3 (for A/B runs of the rebuild; with --keep-data, on the same log).
    'rebuild-only': { type: 'boolean', default: false },
  },
});
const KEEP = values['keep-data'] ?? values['reuse-data'];
const REUSE = values['reuse-data'] !== undefined;
const RESTARTS = Number(values.restarts);

type Restart = {
  readyMs: number;
  scorecardMs: number;
  totalMs: number;
  /** The API's CPU time from its spawn to the scorecard answered. */
  cpuMs: number;
  memory: ReturnType<typeof residentMemory>;
};
const DOSSIERS = Number(values.dossiers);
const FEEDBACK = Number(values.feedback);
const PUBLICATIONS = Number(values.publications);
const UNITS = Number(values.units);
const REDIS_URL = `redis://127.0.0.1:6379/${values['redis-db']}`;
const SAMPLES = Number(values.samples);
const PORT = values.port!;
const TOKEN = 'bench-reform-token-000000000000';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const json = (type: string, data: object, actor = 'bench') => ({
  id: randomUUID(),
  type,
  contentType: 'application/json',
  data: Buffer.from(JSON.stringify(data)),
  metadata: Buffer.from(
    JSON.stringify({
      actor,
      correlationId: 'bench',
      causationId: 'bench',
      occurredAt: (data as { occurredAt?: string }).occurredAt,
    }),
  ),
});

const iso = (t: number) => new Date(t + 7 * HOUR).toISOString().replace('Z', '+07:00');

/** Writes the province into a fresh SQLite log; returns the number of events written. */
function generate(dataDir: string): number {
  const log = new SqliteEventLog({ dataDir });
  const rnd = prng(766);
  let events = 0;
  const now = iso(Date.parse('2024-01-01T00:00:00Z'));
  const unitIds = Array.from({ length: UNITS }, (_, i) =>
    i < 20 ? `SO${String(i + 1).padStart(2, '0')}` : `XA${String(i - 19).padStart(3, '0')}`,
  );
  for (const [i, id] of unitIds.entries()) {
    log.append(`unit-${id}`, { kind: 'any' }, [
      json('UnitDefined', {
        unitId: id,
        name: `Đơn vị ${id}`,
        level: i < 20 ? 'department' : 'commune',
        occurredAt: now,
      }),
    ]);
    events++;
  }
  const procedures = Array.from({ length: 300 }, (_, i) => ({
    code: `TT${String(i + 1).padStart(4, '0')}`,
    units: unitIds.filter((_, u) => (u + i) % 7 === 0 || u === i % UNITS),
    onlineLevel: i % 3 === 0 ? 'none' : i % 3 === 1 ? 'partial' : 'full',
    feeRequired: i % 4 === 0,
    requiresWrittenResult: i % 5 !== 0,
    timeLimit: { value: 5 + (i % 15), unit: 'working-days' },
  }));
  for (const p of procedures) {
    log.append(`procedure-${p.code}`, { kind: 'any' }, [
      json('ProcedureDefined', { ...p, name: `Thủ tục ${p.code}`, effectiveFrom: now, occurredAt: now }),
    ]);
    events++;
  }
  const start = Date.parse('2024-01-01T00:00:00Z');
  const span = Date.parse('2026-09-30T00:00:00Z') - start;
  for (let n = 0; n < DOSSIERS; n++) {
    const p = procedures[Math.floor(rnd() * procedures.length)];
    const unitId = p.units[Math.floor(rnd() * p.units.length)];
    const received = start + Math.floor(rnd() * span);
    const due = received + (p.timeLimit.value * 7 * DAY) / 5;
    const online = p.onlineLevel !== 'none' && rnd() < 0.73;
    const fee = p.feeRequired ? 50_000 : 0;
    const code = `${unitId}-${n}`;
    const list = [
      json('DossierReceived', {
        code,
        unitId,
        procedureCode: p.code,
        procedure: {
          name: p.code,
          timeLimit: p.timeLimit,
          onlineLevel: p.onlineLevel,
          feeRequired: p.feeRequired,
          requiresWrittenResult: p.requiresWrittenResult,
        },
        channel: online ? 'online' : 'in-person',
        ...(online ? { onlineLevel: p.onlineLevel } : {}),
        receivedAt: iso(received),
        dueAt: iso(due),
        feeAmount: fee,
        calendarVersion: '',
        occurredAt: iso(received),
      }),
    ];
    if (rnd() < 0.7)
      list.push(
        json('InputDigitized', {
          occurredAt: iso(received + 600_000),
          reused: rnd() < 0.3,
          fromPersonalStore: rnd() < 0.2,
        }),
      );
    if (rnd() < 0.8) list.push(json('DossierSynced', { occurredAt: iso(received + HOUR) }));
    let t = received + DAY;
    if (rnd() < 0.15) {
      list.push(json('SupplementRequested', { occurredAt: iso(t), reason: 'bổ sung' }));
      t += 3 * DAY;
      list.push(json('SupplementReceived', { occurredAt: iso(t) }));
    }
    if (fee) list.push(json('PaymentRequested', { occurredAt: iso(received + HOUR), amount: fee }));
    if (fee && rnd() < 0.6)
      list.push(
        json('PaidOnline', { occurredAt: iso(received + 2 * HOUR), amount: fee, gateway: 'national' }),
      );
    if (rnd() < 0.9) {
      const done = Math.max(t, received + (due - received) * (rnd() < 0.85 ? rnd() : 1 + rnd()));
      list.push(json('DossierProcessed', { occurredAt: iso(done), outcome: 'approved' }));
      if (p.requiresWrittenResult && rnd() < 0.6)
        list.push(json('ResultIssuedElectronically', { occurredAt: iso(done + 600_000) }));
      list.push(json('DossierSynced', { occurredAt: iso(done + HOUR) }));
      list.push(json('ResultReturned', { occurredAt: iso(done + DAY) }));
      list.push(json('DossierSynced', { occurredAt: iso(done + DAY + HOUR) }));
      if (rnd() < 0.5)
        list.push(json('SatisfactionRated', { occurredAt: iso(done + 2 * DAY), satisfied: rnd() < 0.85 }));
    }
    const outcome = log.append(`dossier-${code}`, { kind: 'no_stream' }, list);
    if (outcome.status !== 'ok') throw new Error(`append ${code}: ${outcome.status}`);
    events += list.length;
    if (n % 100_000 === 0 && n) console.log(`  ${n} dossiers, ${events} events…`);
  }
  events += generateFeedback(log, unitIds, start, span, rnd);
  events += generatePublications(log, procedures, start, span, rnd);
  log.close();
  return events;
}

/** Feedback items decided by the feedback decider (so the events are what the API records): a fifth
 * forwarded, most answered and published, some late, rated, repeats, a third naming a dossier. */
function generateFeedback(
  log: SqliteEventLog,
  unitIds: string[],
  start: number,
  span: number,
  rnd: () => number,
): number {
  const calendar = defaultVietnamCalendar();
  const actor: Actor = { subject: 'bench', role: 'admin' };
  let events = 0;
  for (let n = 0; n < FEEDBACK; n++) {
    const id = `FB${n}`;
    const received = start + Math.floor(rnd() * span);
    const unitId = unitIds[Math.floor(rnd() * unitIds.length)];
    const commands: FeedbackCommand[] = [];
    const meta = (t: number) => ({ occurredAt: iso(t), now: iso(t), actor });
    const dossier = rnd() < 0.33 ? Math.floor(rnd() * DOSSIERS) : -1;
    commands.push({
      type: 'ReceiveFeedback',
      data: {
        ...meta(received),
        id,
        unitId,
        receivedAt: iso(received),
        channel: 'national-portal',
        about: dossier >= 0 ? 'dossier' : 'procedure',
        // A dossier code of the generated province (its unit is not known here: the code is what counts).
        ...(dossier >= 0 ? { dossierCode: `${unitId}-${dossier}` } : { procedureCode: 'TT0001' }),
        summary: 'Phản ánh',
        calendar,
        calendarVersion: '',
      },
    });
    let t = received;
    if (rnd() < 0.2) {
      t += Math.floor(rnd() * 4 * DAY);
      const toUnitId = unitIds[(unitIds.indexOf(unitId) + 1) % unitIds.length];
      commands.push({ type: 'ForwardFeedback', data: { ...meta(t), toUnitId, reason: 'chuyển', calendar } });
    }
    const answered = rnd() < 0.85;
    if (answered) {
      t += Math.floor(rnd() * 25 * DAY);
      commands.push({ type: 'AnswerFeedback', data: { ...meta(t), summary: 'Đã trả lời', calendar } });
      if (rnd() < 0.8) {
        t += Math.floor(rnd() * 3 * DAY);
        commands.push({ type: 'PublishFeedbackAnswer', data: meta(t) });
      }
    }
    if (answered && rnd() < 0.4)
      commands.push({ type: 'RateFeedback', data: { ...meta(t + DAY), satisfied: rnd() < 0.7 } });
    if (n > 0 && rnd() < 0.05)
      commands.push({ type: 'MarkFeedbackRepeat', data: { ...meta(received + HOUR), of: `FB${n - 1}` } });
    let state = feedbackDecider.initialState();
    const list = [];
    for (const c of commands) {
      for (const e of feedbackDecider.decide(c, state)) {
        state = feedbackDecider.evolve(state, e);
        list.push(json(e.type, e.data));
      }
    }
    const outcome = log.append(`feedback-${id}`, { kind: 'no_stream' }, list);
    if (outcome.status !== 'ok') throw new Error(`append ${id}: ${outcome.status}`);
    events += list.length;
  }
  return events;
}

/** Publication decisions of five items each over the catalogue, most decided and made public on time. */
function generatePublications(
  log: SqliteEventLog,
  procedures: { code: string }[],
  start: number,
  span: number,
  rnd: () => number,
): number {
  let events = 0;
  for (let d = 0; d * 5 < PUBLICATIONS; d++) {
    const decided = start + Math.floor(rnd() * span);
    const decidedOn = iso(decided).slice(0, 10);
    const basisEffectiveOn = iso(decided + (rnd() < 0.8 ? 20 : 3) * DAY).slice(0, 10);
    const codes = new Set<string>();
    while (codes.size < Math.min(5, PUBLICATIONS - d * 5))
      codes.add(procedures[Math.floor(rnd() * procedures.length)].code);
    const items = [...codes].map((procedureCode) => ({
      procedureCode,
      change: rnd() < 0.1 ? 'abolished' : rnd() < 0.5 ? 'new' : 'amended',
    }));
    const publicationId = `QD${d}`;
    const list = [
      json('PublicationDecided', {
        publicationId,
        decisionNo: `${d}/QĐ-UBND`,
        decidedOn,
        basisEffectiveOn,
        items,
        occurredAt: iso(decided),
      }),
    ];
    for (const it of items)
      if (rnd() < 0.9) {
        const on = decided + Math.floor(rnd() * (rnd() < 0.85 ? 6 : 15)) * DAY;
        list.push(
          json('ProcedureMadePublic', {
            publicationId,
            procedureCode: it.procedureCode,
            madePublicOn: iso(on).slice(0, 10),
            occurredAt: iso(on),
          }),
        );
      }
    const outcome = log.append(`publication-${publicationId}`, { kind: 'no_stream' }, list);
    if (outcome.status !== 'ok') throw new Error(`append ${publicationId}: ${outcome.status}`);
    events += list.length;
  }
  return events;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** INFO memory's used_memory, in bytes. */
async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/** The sum of MEMORY USAGE (exact: SAMPLES 0) over the keys matching a pattern. */
async function keysMemory(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) total += (await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0;
  } while (cursor !== '0');
  return total;
}

/** Sections 2 and 3: the bare read of `$all` (the floor) and the rebuild of every projection into Redis. */
async function floorAndRebuild(connectionString: string, redis: Redis, eventStorePid: number) {
  const client = EventStoreDBClient.connectionString(connectionString);
  // CPU seconds of this process (the client, the runners) and of the event store, apart.
  const cpu = () => ({ bench: process.cpuUsage(), es: cpuTime(eventStorePid) });
  const cpuSince = (c: ReturnType<typeof cpu>) => {
    const u = process.cpuUsage(c.bench);
    return { bench: (u.user + u.system) / 1e6, es: (cpuTime(eventStorePid) - c.es) / 1000 };
  };

  console.log('bare $all read through the client…');
  let read = 0;
  let head = 0n;
  const readCpu0 = cpu();
  const r0 = performance.now();
  for await (const e of client.readAll()) {
    read++;
    head = e.event?.position?.commit ?? head;
  }
  const readSeconds = (performance.now() - r0) / 1000;
  const readRate = read / readSeconds;
  const readCpu = cpuSince(readCpu0);

  console.log('rebuilding every projection from an empty Redis database…');
  const memoryBefore = await usedMemory(redis);
  const store = new RedisProjectionStore(redis, 'bench:');
  const bull = bullConnection(REDIS_URL);
  const scheduler = new BullmqDeadlineScheduler(bull, bullPrefix('bench:'));
  // As the worker runs them: the registry's projections with their effects (the alert feed, deadline
  // jobs), one shared subscription to `$all` feeding them all.
  const events = new EsdbEventStore(client);
  const bound = bindProjections({
    alertFeed: new RedisAlertFeed(redis, 'bench:'),
    deadlines: {
      scheduler,
      calendars: new VersionedCalendars(new CalendarProvider(events)),
      clock: new SystemClock(),
    },
  });
  const projections = bound.map((b) => b.projection);
  const feed = new SharedEventFeed(new EsdbEventFeed(client), { wide: true });
  const runners = bound.map(
    ({ projection, hooks }) =>
      new SubscriptionRunner(feed, new ProjectionSink(projection, store, { hooks, source: events }), {
        batchSize: 1000,
      }),
  );
  // The runners' resident memory, sampled (this process's own peak includes the generation above).
  let runnersPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => (runnersPeak = Math.max(runnersPeak, process.memoryUsage.rss())), 500);
  const rebuildCpu0 = cpu();
  const b0 = performance.now();
  runners.forEach((r) => r.start());
  await Promise.all(runners.map((r) => r.whenCaughtUp()));
  const rebuildSeconds = (performance.now() - b0) / 1000;
  const rebuildCpu = cpuSince(rebuildCpu0);
  clearInterval(sampler);
  const folded = (await Promise.all(projections.map((p) => store.status(p)))).map(
    (s) => s?.checkpoint.events ?? 0,
  );
  await Promise.all(runners.map((r) => r.stop()));
  await scheduler.close();
  await bull.quit();
  await client.dispose();
  const memory = (await usedMemory(redis)) - memoryBefore;
  const perProjection = await Promise.all(
    projections.map(async (p) => ({
      name: projectionId(p),
      bytes: await keysMemory(redis, `bench:proj:${projectionId(p)}:*`),
    })),
  );
  // The runners run side by side over the same events: the rebuild rate counts the events of $all once.
  const rebuildRate = read / rebuildSeconds;
  void head;
  return {
    read,
    readSeconds,
    readRate,
    readCpu,
    rebuildSeconds,
    rebuildCpu,
    rebuildRate,
    projections,
    folded,
    memory,
    perProjection,
    runnersPeak,
  };
}

async function main(): Promise<void> {
  const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'bench-projections-'));
  const redis = new Redis(REDIS_URL);
  if (!REUSE) await redis.flushdb();
  let es: Awaited<ReturnType<typeof startEventStoreProcess>> | undefined;
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  try {
    if (KEEP && existsSync(join(dir, 'eventstore'))) {
      // An earlier --keep-data run's log (same options, or the figures mean nothing).
      console.log(`reusing the log in ${join(dir, 'eventstore')}`);
    } else {
      console.log(
        `generating ${DOSSIERS} dossiers, ${FEEDBACK} feedback items, ${PUBLICATIONS} publication items over ${UNITS} units…`,
      );
      const t0 = performance.now();
      const total = generate(join(dir, 'eventstore'));
      console.log(`generated ${total} events in ${round((performance.now() - t0) / 1000)} s`);
    }
    es = await startEventStoreProcess(join(dir, 'eventstore'));
    const connectionString = `esdb://127.0.0.1:${es.port}?tls=false`;
    const rebuild = REUSE ? undefined : await floorAndRebuild(connectionString, redis, es.child.pid!);
    // CPU seconds per million events, this process (the client, the runners) and the event store's.
    const perM = (c: { bench: number; es: number }) =>
      `CPU ${round((c.bench * 1e6) / rebuild!.read)} s + event store ${round((c.es * 1e6) / rebuild!.read)} s per million events`;
    const rebuildRows = () => {
      const { read, readRate, readSeconds, rebuildRate, rebuildSeconds, projections, folded } = rebuild!;
      console.log(`| events in \`$all\` | ${read} (${DOSSIERS} dossiers, ${UNITS} units) |`);
      console.log(
        `| bare \`$all\` read through the client (floor) | ${Math.round(readRate)} events/s (${round(readSeconds)} s; ${perM(rebuild!.readCpu)}) |`,
      );
      console.log(
        `| full rebuild of ${projections.map(projectionId).join(', ')} | ${Math.round(rebuildRate)} events/s (${round(rebuildSeconds)} s; ${perM(rebuild!.rebuildCpu)}; folded ${folded.join(', ')}) |`,
      );
    };
    if (values['rebuild-only']) {
      if (!rebuild) throw new Error('--rebuild-only with --reuse-data: nothing to measure');
      console.log('\n| figure | value |');
      console.log('|---|---|');
      rebuildRows();
      console.log(`| rebuild / floor | ${round(rebuild.rebuildRate / rebuild.readRate)} (aim ≥ 0.33) |`);
      return;
    }
    const per100k = (bytes: number) => (bytes * 100_000) / DOSSIERS;
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

    console.log('scorecards through the API…');
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([{ token: TOKEN, name: 'bench', role: 'reform-office' }]));
    const apiEnv = {
      PORT,
      EVENTSTORE_CONNECTION_STRING: connectionString,
      REDIS_URL,
      REDIS_KEY_PREFIX: 'bench:',
      TRACKER_TOKENS_FILE: tokens,
      NODE_ENV: 'production',
    };
    const s0 = performance.now();
    api = await startApiProcess(apiEnv, 120_000);
    const startMs = performance.now() - s0;
    const get = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    const cold = await get('/api/scorecards?period=2025-Q2');
    const timings = async (path: string) => {
      const xs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) xs.push(await get(path));
      return { p50: round(median(xs)), p95: round(percentile(xs, 95)) };
    };
    const quarter = await timings('/api/scorecards?period=2025-Q2');
    const year = await timings('/api/scorecards?period=2025');
    const quarterAsOf = await timings(
      `/api/scorecards?period=2025-Q2&asOf=${encodeURIComponent('2025-05-15T12:00:00+07:00')}`,
    );
    const apiMemory = residentMemory(api.pid!);

    // Restarts alternate the sources through @swc-node/register (what `npm start` runs) and, when
    // `npm run build` has made it, the built JavaScript (what `npm run start:prod` runs in production).
    const kinds = existsSync(BUILT_API) ? (['swc', 'built'] as const) : (['swc'] as const);
    const restarts = { swc: [] as Restart[], built: [] as Restart[] };
    for (let i = 0; i < RESTARTS; i++) {
      for (const kind of kinds) {
        console.log(`the API restarted (${kind === 'swc' ? '@swc-node/register' : BUILT_API})…`);
        await stop(api!);
        api = undefined;
        const t0restart = performance.now();
        api = await startApiProcess(apiEnv, 120_000, [], kind === 'built');
        const readyMs = performance.now() - t0restart;
        const scorecardMs = await get('/api/scorecards?period=2025-Q2');
        const totalMs = performance.now() - t0restart;
        const cpuMs = cpuTime(api.pid!);
        restarts[kind].push({ readyMs, scorecardMs, totalMs, cpuMs, memory: residentMemory(api.pid!) });
        console.log(
          `  ${round(totalMs)} ms (ready ${round(readyMs)} ms, scorecard ${round(scorecardMs)} ms; API CPU ${round(cpuMs)} ms)`,
        );
      }
    }
    const restartFigures = kinds.map((kind) => {
      const xs = restarts[kind];
      const med = (f: (r: Restart) => number) => median(xs.map(f));
      return {
        kind,
        label: kind === 'swc' ? 'sources through @swc-node/register' : `built JavaScript (${BUILT_API})`,
        totalMs: med((r) => r.totalMs),
        readyMs: med((r) => r.readyMs),
        scorecardMs: med((r) => r.scorecardMs),
        cpuMs: med((r) => r.cpuMs),
        memory: xs[xs.length - 1].memory,
        n: xs.length,
      };
    });
    const restartMemory = restartFigures[0].memory;
    const redisTotal = await usedMemory(redis);

    console.log('\n| figure | value |');
    console.log('|---|---|');
    if (rebuild) {
      rebuildRows();
      console.log(
        `| Redis memory of the read models (used_memory) | ${mib(rebuild.memory)}; ${mib(per100k(rebuild.memory))} per 100,000 dossiers |`,
      );
      for (const { name, bytes } of rebuild.perProjection) {
        console.log(`| … of which ${name} (MEMORY USAGE) | ${mib(per100k(bytes))} per 100,000 dossiers |`);
      }
      console.log(`| rebuild / floor | ${round(rebuild.rebuildRate / rebuild.readRate)} (aim ≥ 0.33) |`);
    }
    console.log(`| first scorecard request (loads the facts cache) | ${round(cold)} ms |`);
    console.log(
      `| GET /api/scorecards?period=2025-Q2 | p50 ${quarter.p50} ms, p95 ${quarter.p95} ms (aim p95 < 100 ms) |`,
    );
    console.log(
      `| GET /api/scorecards?period=2025-Q2&asOf=… | p50 ${quarterAsOf.p50} ms, p95 ${quarterAsOf.p95} ms |`,
    );
    console.log(`| GET /api/scorecards?period=2025 | p50 ${year.p50} ms, p95 ${year.p95} ms |`);
    console.log(`| API start on the log (spawn → /api/health 200) | ${round(startMs)} ms |`);
    for (const r of restartFigures) {
      console.log(
        `| API restarted (${r.label}): spawn → first quarter scorecard, median of ${r.n} | ${round(r.totalMs)} ms (ready ${round(r.readyMs)} ms, scorecard ${round(r.scorecardMs)} ms; the API's CPU time ${round(r.cpuMs)} ms; aim < 3 s) |`,
      );
    }
    console.log(
      `| API resident memory | ${gib(apiMemory.rss)} (peak ${gib(apiMemory.peak)}); after the restart ${gib(restartMemory.rss)} (peak ${gib(restartMemory.peak)}) (aim ≤ 1.5 GiB) |`,
    );
    if (rebuild)
      console.log(`| rebuild runners' resident memory (this process) | peak ${gib(rebuild.runnersPeak)} |`);
    console.log(`| Redis used_memory at the end | ${mib(redisTotal)} |`);
    if (!rebuild) return;

    const { read, readRate, rebuildRate, rebuildSeconds, memory, perProjection, runnersPeak } = rebuild;
    const of = `scorecards (qd766-v2) over ${int(DOSSIERS)} dossiers, ${int(FEEDBACK)} feedback items, ${int(PUBLICATIONS)} publication items`;
    const p = (t: { p50: number; p95: number }) => `p50 ${ms(t.p50)} ms, p95 ${ms(t.p95)} ms`;
    writeRows([
      {
        benchmark: `projections: full rebuild, ${int(DOSSIERS)} dossiers, ${int(FEEDBACK)} feedback items, ${int(PUBLICATIONS)} publication items (${int(read)} events)`,
        figure: `${int(rebuildRate)} events/s (${duration(rebuildSeconds * 1000)})`,
        baseline: `bare \`$all\` read ${int(readRate)}/s`,
        ratio: ratio(rebuildRate / readRate),
        aim: '≥ 1/3',
      },
      {
        benchmark: `projections: Redis memory of every read model, per 100,000 dossiers`,
        figure: `${mib(per100k(memory))} (${perProjection.map((p) => `${p.name} ${mib(per100k(p.bytes))}`).join(', ')})`,
      },
      {
        benchmark: `${of}: a quarter`,
        figure: `${p(quarter)} (first request, loading the facts, ${duration(cold)})`,
        aim: 'p95 < 100 ms',
      },
      { benchmark: `${of}: a quarter as of a date`, figure: p(quarterAsOf) },
      { benchmark: `${of}: a year`, figure: p(year) },
      {
        benchmark: `projections: the API's start on the ${int(read)}-event log, spawn → /api/health 200`,
        figure: duration(startMs),
      },
      ...restartFigures.map((r) => ({
        benchmark: `projections: the API restarted (${r.label}), spawn → its first quarter scorecard answered`,
        figure: `${duration(r.totalMs)} (ready after ${duration(r.readyMs)}, the scorecard ${duration(r.scorecardMs)}; the API's CPU time ${duration(r.cpuMs)})`,
        aim: '< 3 s',
      })),
      {
        benchmark: `projections: resident memory (VmRSS) at ${int(DOSSIERS)} dossiers`,
        figure:
          `API ${gib(apiMemory.rss)} after the scorecards (peak ${gib(apiMemory.peak)}), ` +
          `${gib(restartMemory.rss)} after its restart (peak ${gib(restartMemory.peak)}); ` +
          `the rebuild's runners (the worker's work, in the bench's process) peak ${gib(runnersPeak)}; ` +
          `Redis used_memory ${mib(redisTotal)} at the end`,
        aim: 'API ≤ 1.5 GiB',
      },
    ]);
  } finally {
    if (api) await stop(api);
    if (es) await stop(es.child);
    if (!KEEP) await redis.flushdb();
    await redis.quit();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
