/**
 * Event store benchmark: `npm run bench:eventstore [-- --runs 3 --singles 4000 --batches 80 --writers 16 --warmup 2000
 * --read-warmup 3 --reads 3]`.
 *
 * Through the real `@eventstore/db-client` against the embedded server (a temp data dir), in both of its
 * modes, one after the other in each run (the order alternates between runs):
 *   - durable, the default: WAL + synchronous FULL, an append is acknowledged once synced, group commit;
 *   - the old synchronous NORMAL mode (an OS crash may roll back the last acknowledged appends);
 * each with appends of single events from 16 concurrent writers and appends in batches of 100 events (4
 * concurrent writers). The appends go to the event store in a process of its own (`npm run eventstore
 * -- --synchronous full|normal`), as production runs it: in one process the client's encoding and the gRPC
 * path would share the server's core and its event loop, which is not what the tracker's apps see. Beside
 * each rate, the event store's CPU time per event (from /proc), which the machine's load changes less. Then
 * (durable data) a full `$all` read through the client from that process, and again with the server in the
 * bench's process. In the same run the same rows go into raw better-sqlite3 in the bench's process, a table
 * shaped like an event log, one transaction per append, with synchronous NORMAL and with FULL (durable).
 * Prints events/s, the ratios, the median of a few runs and a Markdown table.
 * Aims: durable appends >= 0.9x the NORMAL mode (singles and batches), durable singles above raw durable
 * SQLite one transaction per row; old-mode appends >= 1/5 of raw NORMAL SQLite; $all reads >= 50 000/s.
 * Not a test: nothing here asserts on time.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { EventData, EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import * as grpc from '@grpc/grpc-js';
import { startEventStoreServer } from '@tracker/eventstore-server';
import { grpcClientOf } from '@tracker/testing/eventstore/raw-grpc';
import { median } from './support/processes';
import { int, ratio, writeRows } from './support/results';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    singles: { type: 'string', default: '8000' },
    batches: { type: 'string', default: '150' },
    writers: { type: 'string', default: '16' },
    'batch-writers': { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2000' },
    'read-warmup': { type: 'string', default: '3' },
    reads: { type: 'string', default: '3' },
  },
});
const RUNS = Number(values.runs);
const SINGLES = Number(values.singles);
const BATCHES = Number(values.batches);
const BATCH_SIZE = 100;
const WRITERS = Number(values.writers);
const BATCH_WRITERS = Number(values['batch-writers']);
/**
 * Single appends each event store takes, untimed, before it is measured: 200 left its JIT cold (its CPU per
 * append 190–250 µs against 115–130 µs once warm on the same machine), and a running node is warm.
 */
const WARMUP = Number(values.warmup);
/**
 * Full `$all` reads before the timed ones, untimed, and the timed ones (their median is the figure): with the
 * event store in its own process, reads of the same 25,004 events in one client process went 26,647, 38,102,
 * 43,116, 51,396 and 57,041 events/s, and then held 43,000–61,000/s (the client's CPU per event 30 → 15 µs;
 * 2026-12-07): the first reads time V8's compiling of the client's decoding and its young generation growing,
 * which a projection reading millions of events pays once.
 */
const READ_WARMUP = Number(values['read-warmup']);
const READS = Number(values.reads);

/** A realistic dossier event: ~300 bytes of JSON, some custom metadata. */
function makeEvent(i: number): EventData {
  return jsonEvent({
    id: randomUUID(),
    type: 'DossierStepRecorded',
    data: {
      dossierId: `HS-2026-${String(i).padStart(6, '0')}`,
      step: 'tiep-nhan',
      officer: 'cán bộ một cửa',
      at: '2026-11-20T08:30:00+07:00',
      note: 'Hồ sơ đầy đủ, hẹn trả kết quả sau 15 ngày làm việc.',
      fees: [{ code: 'LP-01', amount: 150000 }],
    },
    metadata: { $correlationId: randomUUID(), actor: 'officer-17' },
  });
}

const rate = (events: number, ms: number) => (events * 1000) / ms;

/** Runs `count` jobs with `concurrency` workers; resolves when all are done. */
async function pool(count: number, concurrency: number, job: (i: number, worker: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < count; i = next++) await job(i, worker);
    }),
  );
}

type ServerFigures = {
  singles: number;
  /** CPU time of the event store's process per event, in µs. */
  singleCpuUs: number;
  batches: number;
  batchCpuUs: number;
  /** The full read with the event store in the bench's process. */
  readAll: number;
  /** Events per second of the bench process's CPU time (client and server) in that read. */
  readAllPerCpu: number;
  grpcReadAll: number;
  allEvents: number;
  /** The same read with the event store in its own process. */
  standaloneReadAll: number;
  standaloneGrpcReadAll: number;
  /** Where the client's wall time went in that read (shares of it), and the server's CPU over it. */
  clientOnCpu: number;
  clientWaitingForCore: number;
  clientIdle: number;
  serverCpu: number;
  clientCpuUsPerEvent: number;
};

interface Figures extends ServerFigures {
  normalSingles: number;
  normalSingleCpuUs: number;
  rawSingles: number;
  rawDurableSingles: number;
  normalBatches: number;
  normalBatchCpuUs: number;
  rawBatches: number;
  rawDurableBatches: number;
  rawReadAll: number;
}

/**
 * The same full read as raw gRPC messages, undecoded: what the server delivers before the client's protobuf
 * decoding and JSON parsing (tells server cost from client cost).
 */
async function grpcReadAllRate(client: EventStoreDBClient): Promise<number> {
  const uuid = new ReadReq.Options.UUIDOption().setString(new Empty());
  const options = new ReadReq.Options()
    .setAll(new ReadReq.Options.AllOptions().setStart(new Empty()))
    .setReadDirection(ReadReq.Options.ReadDirection.FORWARDS)
    .setResolveLinks(false)
    .setCount(String(Number.MAX_SAFE_INTEGER))
    .setUuidOption(uuid)
    .setNoFilter(new Empty());
  const request = Buffer.from(new ReadReq().setOptions(options).serializeBinary());
  const raw = await grpcClientOf(client, grpc.Client);
  const t = performance.now();
  const messages = await new Promise<number>((resolve, reject) => {
    let n = 0;
    const call = raw.makeServerStreamRequest(
      '/event_store.client.streams.Streams/Read',
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      new grpc.Metadata(),
      {},
    );
    call.on('data', () => (n += 1));
    call.on('error', reject);
    call.on('end', () => resolve(n));
  });
  return rate(messages, performance.now() - t);
}

/** The event store in a process of its own, as in production (`npm run eventstore`), and its CPU time. */
interface StandaloneServer {
  readonly connectionString: string;
  /** CPU time (user + system) the process has used so far, in ms, from /proc (NaN where there is none). */
  cpuMs(): number;
  stop(): Promise<void>;
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

async function startStandalone(dataDir: string, synchronous: 'full' | 'normal'): Promise<StandaloneServer> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/eventstore/src/main.ts',
      '--port',
      '0',
      '--data',
      dataDir,
      '--synchronous',
      synchronous,
    ],
    { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the event store exited (${code}) before listening`)));
    });
    const { port } = JSON.parse(line) as { port: number };
    return {
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      cpuMs: () => {
        try {
          // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
          const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
        } catch {
          return NaN;
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Appends through the client to the event store in a process of its own, as production runs it, then (durable
 * run) the full `$all` read from it; then the same read with the server in the bench's process.
 */
async function serverRun(dir: string, synchronous: 'full' | 'normal', read: boolean): Promise<ServerFigures> {
  const dataDir = join(dir, `server-${synchronous}`);
  const server = await startStandalone(dataDir, synchronous);
  let figures: ServerFigures;
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    // Warm-up: channel, ServerFeatures, the BatchAppend stream, JIT.
    await pool(WARMUP, WRITERS, (i) =>
      client.appendToStream(`warmup-${i % 16}`, makeEvent(i)).then(() => undefined),
    );
    // What the previous phases wrote (the other mode's log, raw SQLite's files) goes to disk before the timing,
    // not during it.
    execFileSync('sync');

    let cpu = server.cpuMs();
    let t = performance.now();
    await pool(SINGLES, WRITERS, async (i, w) => {
      await client.appendToStream(`single-${w}-${i % 50}`, makeEvent(i));
    });
    const singles = rate(SINGLES, performance.now() - t);
    const singleCpuUs = ((server.cpuMs() - cpu) * 1000) / SINGLES;

    const batchEvents = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: BATCH_SIZE }, (_, i) => makeEvent(b * BATCH_SIZE + i)),
    );
    cpu = server.cpuMs();
    t = performance.now();
    await pool(BATCHES, BATCH_WRITERS, async (b) => {
      await client.appendToStream(`batch-${b}`, batchEvents[b]);
    });
    const batches = rate(BATCHES * BATCH_SIZE, performance.now() - t);
    const batchCpuUs = ((server.cpuMs() - cpu) * 1000) / (BATCHES * BATCH_SIZE);
    figures = {
      singles,
      singleCpuUs,
      batches,
      batchCpuUs,
      ...{ readAll: 0, readAllPerCpu: 0, grpcReadAll: 0, allEvents: 0 },
      ...{ standaloneReadAll: 0, standaloneGrpcReadAll: 0 },
      ...{
        clientOnCpu: NaN,
        clientWaitingForCore: NaN,
        clientIdle: NaN,
        serverCpu: NaN,
        clientCpuUsPerEvent: NaN,
      },
    };
    if (read) {
      const standalone = await readAllRates(client, () => server.cpuMs());
      figures.standaloneReadAll = standalone.readAll;
      figures.standaloneGrpcReadAll = standalone.grpcReadAll;
      Object.assign(figures, standalone.shares);
    }
  } finally {
    await client.dispose();
    await server.stop();
  }
  if (read) Object.assign(figures, await inProcessRead(dataDir));
  return figures;
}

/** `n` full `$all` reads through the client, one after the other: each one's events, rate and rate per
 * CPU-second of this process. */
async function readsOf(
  client: EventStoreDBClient,
  n: number,
): Promise<{ events: number; rate: number; perCpu: number }[]> {
  const reads = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    let events = 0;
    for await (const _ of client.readAll({ fromPosition: START, maxCount: Number.MAX_SAFE_INTEGER }))
      events += 1;
    const used = process.cpuUsage(cpu);
    reads.push({
      events,
      rate: rate(events, performance.now() - t),
      perCpu: rate(events, (used.user + used.system) / 1000),
    });
  }
  return reads;
}

/** The full `$all` read with the event store in the bench's process (client and server share one core). */
async function inProcessRead(
  dataDir: string,
): Promise<Pick<ServerFigures, 'readAll' | 'readAllPerCpu' | 'grpcReadAll' | 'allEvents'>> {
  const server = await startEventStoreServer({ host: '127.0.0.1', port: 0, dataDir });
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    await readsOf(client, READ_WARMUP);
    const reads = await readsOf(client, READS);
    const readAll = median(reads.map((r) => r.rate));
    const readAllPerCpu = median(reads.map((r) => r.perCpu));
    const grpcReadAll = await grpcReadAllRate(client);
    return { readAll, readAllPerCpu, grpcReadAll, allEvents: reads[0]?.events ?? 0 };
  } finally {
    await client.dispose();
    await server.close();
  }
}

/** The bench's main (JavaScript) thread: ns on a core and ns waiting for one, from /proc (NaN without it). */
function mainThreadSchedstat(): { onCpu: number; waiting: number } {
  try {
    const [onCpu, waiting] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
    return { onCpu, waiting };
  } catch {
    return { onCpu: NaN, waiting: NaN };
  }
}

/** Where the client's wall time went in a read, in shares of it. */
interface ReadTimeShares {
  /** The client's JavaScript thread on a core (decoding, streams, gRPC). */
  clientOnCpu: number;
  /** Runnable but waiting for a core (the machine's other work). */
  clientWaitingForCore: number;
  /** Neither: waiting for bytes from the server (its work, HTTP/2 flow control, the socket). */
  clientIdle: number;
  /** The event store's process's CPU time over the same wall time. */
  serverCpu: number;
  /** The client thread's time on a core per event, in µs. */
  clientCpuUsPerEvent: number;
}

/**
 * Full `$all` reads through the client (READS after READ_WARMUP untimed; the median), then undecoded. With the
 * server's CPU time, where the client's wall time went over the timed reads.
 */
async function readAllRates(
  client: EventStoreDBClient,
  serverCpuMs: () => number,
): Promise<{ readAll: number; grpcReadAll: number; shares: ReadTimeShares }> {
  await readsOf(client, READ_WARMUP);
  const sched = mainThreadSchedstat();
  const serverCpu = serverCpuMs();
  const t = performance.now();
  const reads = await readsOf(client, READS);
  const readAll = median(reads.map((r) => r.rate));
  const wallNs = (performance.now() - t) * 1e6;
  const after = mainThreadSchedstat();
  const onCpu = (after.onCpu - sched.onCpu) / wallNs;
  const waiting = (after.waiting - sched.waiting) / wallNs;
  const shares = {
    clientOnCpu: onCpu,
    clientWaitingForCore: waiting,
    clientIdle: Math.max(0, 1 - onCpu - waiting),
    serverCpu: ((serverCpuMs() - serverCpu) * 1e6) / wallNs,
    clientCpuUsPerEvent: (after.onCpu - sched.onCpu) / 1000 / reads.reduce((sum, r) => sum + r.events, 0),
  };
  return { readAll, grpcReadAll: await grpcReadAllRate(client), shares };
}

/** The same rows straight into SQLite (WAL, synchronous NORMAL or FULL), one transaction per append. */
function rawRun(
  dir: string,
  synchronous: 'NORMAL' | 'FULL',
): { singles: number; batches: number; readAll: number } {
  const db = new Database(join(dir, `raw-${synchronous}.sqlite`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec(`
      CREATE TABLE events (
        pos INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL,
        type TEXT NOT NULL, content_type TEXT NOT NULL, created INTEGER NOT NULL, data BLOB NOT NULL,
        metadata BLOB NOT NULL
      );
      CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
    `);
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, id, type, content_type, created, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const revisions = new Map<string, number>();
    const row = (stream: string, e: EventData) => {
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      insert.run(
        stream,
        revision,
        e.id,
        e.type,
        e.contentType,
        Date.now() * 10_000,
        Buffer.from(JSON.stringify(e.data)),
        Buffer.from(JSON.stringify(e.metadata ?? {})),
      );
    };
    const append = db.transaction((stream: string, events: EventData[]) =>
      events.forEach((e) => row(stream, e)),
    );

    const singles = Array.from({ length: SINGLES }, (_, i) => makeEvent(i));
    let t = performance.now();
    singles.forEach((e, i) => append(`single-${i % WRITERS}-${i % 50}`, [e]));
    const rawSingles = rate(SINGLES, performance.now() - t);

    const batchEvents = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: BATCH_SIZE }, (_, i) => makeEvent(b * BATCH_SIZE + i)),
    );
    t = performance.now();
    batchEvents.forEach((events, b) => append(`batch-${b}`, events));
    const rawBatches = rate(BATCHES * BATCH_SIZE, performance.now() - t);

    t = performance.now();
    let n = 0;
    for (const r of db.prepare('SELECT * FROM events ORDER BY pos').iterate()) if (r) n += 1;
    const rawReadAll = rate(n, performance.now() - t);
    return { singles: rawSingles, batches: rawBatches, readAll: rawReadAll };
  } finally {
    db.close();
  }
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const us = (x: number) => x.toFixed(1);
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

async function main(): Promise<void> {
  console.log(
    `event store bench: ${RUNS} runs; ${SINGLES} single-event appends from ${WRITERS} writers; ` +
      `${BATCHES} appends of ${BATCH_SIZE} from ${BATCH_WRITERS} writers; full $all read`,
  );
  const runs: Figures[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'esdb-bench-'));
    try {
      // Alternate which mode goes first, so neither always gets the warmer (or the more tired) process.
      let durable: ServerFigures;
      let normal: ServerFigures;
      if (run % 2 === 1) {
        durable = await serverRun(dir, 'full', true);
        normal = await serverRun(dir, 'normal', false);
      } else {
        normal = await serverRun(dir, 'normal', false);
        durable = await serverRun(dir, 'full', true);
      }
      const raw = rawRun(dir, 'NORMAL');
      const rawDurable = rawRun(dir, 'FULL');
      const f: Figures = {
        ...durable,
        normalSingles: normal.singles,
        normalSingleCpuUs: normal.singleCpuUs,
        normalBatches: normal.batches,
        normalBatchCpuUs: normal.batchCpuUs,
        rawSingles: raw.singles,
        rawBatches: raw.batches,
        rawReadAll: raw.readAll,
        rawDurableSingles: rawDurable.singles,
        rawDurableBatches: rawDurable.batches,
      };
      runs.push(f);
      const x = (a: number, b: number) => `${(a / b).toFixed(3)}×`;
      console.log(
        `run ${run}: singles durable ${fmt(f.singles)}/s, NORMAL ${fmt(f.normalSingles)}/s (${x(f.singles, f.normalSingles)});` +
          ` server CPU ${us(f.singleCpuUs)} and ${us(f.normalSingleCpuUs)} µs/event;` +
          ` raw NORMAL ${fmt(f.rawSingles)}/s, raw FULL ${fmt(f.rawDurableSingles)}/s (${x(f.singles, f.rawDurableSingles)})` +
          ` | batches durable ${fmt(f.batches)}/s, NORMAL ${fmt(f.normalBatches)}/s (${x(f.batches, f.normalBatches)});` +
          ` server CPU ${us(f.batchCpuUs)} and ${us(f.normalBatchCpuUs)} µs/event;` +
          ` raw NORMAL ${fmt(f.rawBatches)}/s, raw FULL ${fmt(f.rawDurableBatches)}/s` +
          ` | $all read ${fmt(f.readAll)}/s over ${f.allEvents} events (${fmt(f.readAllPerCpu)} per CPU-second; undecoded gRPC ${fmt(f.grpcReadAll)}/s;` +
          ` event store in its own process ${fmt(f.standaloneReadAll)}/s, undecoded ${fmt(f.standaloneGrpcReadAll)}/s,` +
          ` client thread on a core ${pct(f.clientOnCpu)}, waiting for one ${pct(f.clientWaitingForCore)}, idle ${pct(f.clientIdle)}, server CPU ${pct(f.serverCpu)}, client ${us(f.clientCpuUsPerEvent)} µs/event on a core;` +
          ` raw ${fmt(f.rawReadAll)}/s)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = (k: keyof Figures) => median(runs.map((r) => r[k]));
  const row = (what: string, ours: number, base: string, baseValue: number, aim: string) =>
    `| ${what} | ${fmt(ours)} | ${base} ${fmt(baseValue)} | ${(ours / baseValue).toFixed(3)} | ${aim} |`;
  const singles = `single-event appends, ${WRITERS} writers`;
  const batches = `appends of ${BATCH_SIZE}, ${BATCH_WRITERS} writers`;
  console.log(
    [
      '',
      `Median of ${RUNS} runs (events/s; Node ${process.version}, better-sqlite3 WAL):`,
      '',
      '| workload | server via client | baseline (same run) | ratio | aim |',
      '| --- | ---: | ---: | ---: | --- |',
      row(`${singles}, durable`, m('singles'), 'NORMAL mode', m('normalSingles'), '≥ 0.9'),
      row(`${singles}, durable`, m('singles'), 'raw FULL, txn per row', m('rawDurableSingles'), '> 1'),
      row(`${singles}, NORMAL mode`, m('normalSingles'), 'raw NORMAL', m('rawSingles'), '≥ 0.2'),
      `| event store's CPU per single append, durable / NORMAL (µs) | ${us(m('singleCpuUs'))} | ${us(m('normalSingleCpuUs'))} | ${(m('singleCpuUs') / m('normalSingleCpuUs')).toFixed(3)} | |`,
      row(`${batches}, durable`, m('batches'), 'NORMAL mode', m('normalBatches'), '≥ 0.9'),
      row(`${batches}, durable`, m('batches'), 'raw FULL, txn per append', m('rawDurableBatches'), ''),
      row(`${batches}, NORMAL mode`, m('normalBatches'), 'raw NORMAL', m('rawBatches'), '≥ 0.2'),
      `| event store's CPU per event in batches, durable / NORMAL (µs) | ${us(m('batchCpuUs'))} | ${us(m('normalBatchCpuUs'))} | ${(m('batchCpuUs') / m('normalBatchCpuUs')).toFixed(3)} | |`,
      row(
        `full $all read (${runs[0]?.allEvents ?? 0} events)`,
        m('readAll'),
        'raw',
        m('rawReadAll'),
        '≥ 50,000/s',
      ),
      row(
        'that read, events per CPU-second of client and server',
        m('readAllPerCpu'),
        'raw',
        m('rawReadAll'),
        '',
      ),
      row(
        'full $all read, undecoded gRPC messages',
        m('grpcReadAll'),
        'raw',
        m('rawReadAll'),
        '(server side)',
      ),
      row(
        'the same read, event store in its own process',
        m('standaloneReadAll'),
        'raw',
        m('rawReadAll'),
        '≥ 50,000/s',
      ),
      row('that read, undecoded gRPC messages', m('standaloneGrpcReadAll'), 'raw', m('rawReadAll'), ''),
      `| that read through the client: its thread on a core / waiting for a core / idle; server CPU | ${pct(m('clientOnCpu'))} / ${pct(m('clientWaitingForCore'))} / ${pct(m('clientIdle'))}; ${pct(m('serverCpu'))} | client ${us(m('clientCpuUsPerEvent'))} µs/event on a core | | |`,
      '',
    ].join('\n'),
  );
  const of = `median of ${RUNS} run${RUNS === 1 ? '' : 's'}`;
  const tableRow = (
    benchmark: string,
    ours: keyof Figures,
    base: keyof Figures,
    label: string,
    aim: string,
  ) => ({
    benchmark,
    figure: `${int(m(ours))} events/s`,
    baseline: `${label} ${int(m(base))}/s`,
    ratio: ratio(m(ours) / m(base)),
    aim,
  });
  const singleEvents = `${int(SINGLES)} events, ${of}`;
  const batchEvents = `${int(BATCHES * BATCH_SIZE)} events, ${of}`;
  writeRows([
    tableRow(
      `event store: single-event appends, ${WRITERS} writers, durable (synchronous=FULL, group commit; the event store in a process of its own; ${singleEvents})`,
      'singles',
      'normalSingles',
      'the old synchronous=NORMAL mode',
      '≥ 0.9',
    ),
    tableRow(
      'event store: the same durable single-event appends',
      'singles',
      'rawDurableSingles',
      'raw better-sqlite3 synchronous=FULL, a transaction per row',
      '> 1',
    ),
    {
      benchmark: "event store: its process's CPU time per durable single-event append (from /proc)",
      figure: `${m('singleCpuUs').toFixed(1)} µs`,
      baseline: `the synchronous=NORMAL mode ${m('normalSingleCpuUs').toFixed(1)} µs`,
      ratio: ratio(m('normalSingleCpuUs') / m('singleCpuUs')),
      aim: '',
    },
    tableRow(
      `event store: single-event appends, ${WRITERS} writers, the old synchronous=NORMAL mode`,
      'normalSingles',
      'rawSingles',
      'raw better-sqlite3 synchronous=NORMAL',
      '≥ 0.2',
    ),
    tableRow(
      `event store: appends of ${BATCH_SIZE}, ${BATCH_WRITERS} writers, durable (${batchEvents})`,
      'batches',
      'normalBatches',
      'the old synchronous=NORMAL mode',
      '≥ 0.9',
    ),
    tableRow(
      `event store: appends of ${BATCH_SIZE}, ${BATCH_WRITERS} writers, the old synchronous=NORMAL mode`,
      'normalBatches',
      'rawBatches',
      'raw better-sqlite3 synchronous=NORMAL',
      '≥ 0.2',
    ),
    tableRow(
      `event store: full \`$all\` read through the client, the event store in the bench's process (${int(runs[0]?.allEvents ?? 0)} events; in each run the median of ${READS} reads after ${READ_WARMUP} untimed; ${of})`,
      'readAll',
      'rawReadAll',
      'raw better-sqlite3',
      '≥ 50,000/s',
    ),
    {
      benchmark:
        'event store: that read per CPU-second of the bench process (client and server together; other work inflates it less than the rate)',
      figure: `${int(m('readAllPerCpu'))} events/s`,
      baseline: `raw better-sqlite3 ${int(m('rawReadAll'))}/s`,
      ratio: ratio(m('readAllPerCpu') / m('rawReadAll')),
      aim: '',
    },
    tableRow(
      'event store: the same read as undecoded gRPC messages (the server side alone)',
      'grpcReadAll',
      'rawReadAll',
      'raw better-sqlite3',
      '',
    ),
    tableRow(
      'event store: the same read, the event store in a process of its own (`npm run eventstore`)',
      'standaloneReadAll',
      'rawReadAll',
      'raw better-sqlite3',
      '≥ 50,000/s',
    ),
    tableRow(
      'event store: that read as undecoded gRPC messages',
      'standaloneGrpcReadAll',
      'rawReadAll',
      'raw better-sqlite3',
      '',
    ),
    {
      benchmark:
        "event store: in that read, the client's JavaScript thread on a core / waiting for a core / idle (waiting on the server, flow control, the socket), and the event store's CPU, in shares of the read's time",
      figure: `${pct(m('clientOnCpu'))} / ${pct(m('clientWaitingForCore'))} / ${pct(m('clientIdle'))}; server ${pct(m('serverCpu'))}`,
      baseline: `the client thread's time on a core: ${us(m('clientCpuUsPerEvent'))} µs per event`,
    },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
