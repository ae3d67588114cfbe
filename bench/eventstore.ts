/**
 * Event store benchmark: `npm run bench:eventstore [-- --runs 3 --singles 4000 --batches 80 --writers 16]`.
 *
 * Through the real `@eventstore/db-client` against the embedded server (a temp data dir, WAL + synchronous
 * NORMAL, as in production):
 *   - appends of single events from 16 concurrent writers,
 *   - appends in batches of 100 events (4 concurrent writers),
 *   - a full `$all` read;
 * and in the same run the same rows inserted with raw better-sqlite3 into a table shaped like an event log,
 * one transaction per append: the floor our design cannot beat. Prints events/s for each, the ratio, the
 * median of a few runs, and a Markdown table at the end. Aims: appends >= 1/5 of raw SQLite, $all reads
 * >= 50 000 events/s. Not a test: nothing here asserts on time.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { EventData, EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import * as grpc from '@grpc/grpc-js';
import { startEventStoreServer } from '@tracker/eventstore-server';
import { grpcClientOf } from '@tracker/testing/eventstore/raw-grpc';
import { int, ratio, writeRows } from './support/results';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    singles: { type: 'string', default: '8000' },
    batches: { type: 'string', default: '150' },
    writers: { type: 'string', default: '16' },
    'batch-writers': { type: 'string', default: '4' },
  },
});
const RUNS = Number(values.runs);
const SINGLES = Number(values.singles);
const BATCHES = Number(values.batches);
const BATCH_SIZE = 100;
const WRITERS = Number(values.writers);
const BATCH_WRITERS = Number(values['batch-writers']);

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

interface Figures {
  singles: number;
  rawSingles: number;
  batches: number;
  rawBatches: number;
  readAll: number;
  grpcReadAll: number;
  rawReadAll: number;
  allEvents: number;
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

async function serverRun(
  dir: string,
): Promise<Pick<Figures, 'singles' | 'batches' | 'readAll' | 'grpcReadAll' | 'allEvents'>> {
  const server = await startEventStoreServer({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'server') });
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    // Warm-up: channel, ServerFeatures, the BatchAppend stream, JIT.
    await pool(200, WRITERS, (i) =>
      client.appendToStream(`warmup-${i % 16}`, makeEvent(i)).then(() => undefined),
    );

    let t = performance.now();
    await pool(SINGLES, WRITERS, async (i, w) => {
      await client.appendToStream(`single-${w}-${i % 50}`, makeEvent(i));
    });
    const singles = rate(SINGLES, performance.now() - t);

    const batchEvents = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: BATCH_SIZE }, (_, i) => makeEvent(b * BATCH_SIZE + i)),
    );
    t = performance.now();
    await pool(BATCHES, BATCH_WRITERS, async (b) => {
      await client.appendToStream(`batch-${b}`, batchEvents[b]);
    });
    const batches = rate(BATCHES * BATCH_SIZE, performance.now() - t);

    t = performance.now();
    let allEvents = 0;
    for await (const _ of client.readAll({ fromPosition: START, maxCount: Number.MAX_SAFE_INTEGER }))
      allEvents += 1;
    const readAll = rate(allEvents, performance.now() - t);
    const grpcReadAll = await grpcReadAllRate(client);
    return { singles, batches, readAll, grpcReadAll, allEvents };
  } finally {
    await client.dispose();
    await server.close();
  }
}

/** The same rows straight into SQLite (WAL, synchronous NORMAL), one transaction per append. */
function rawRun(dir: string): Pick<Figures, 'rawSingles' | 'rawBatches' | 'rawReadAll'> {
  const db = new Database(join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      CREATE TABLE events (
        pos INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL,
        type TEXT NOT NULL, content_type TEXT NOT NULL, created INTEGER NOT NULL, data BLOB NOT NULL,
        metadata BLOB NOT NULL
      );
      CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
      CREATE INDEX events_by_id ON events (stream, id);
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
    return { rawSingles, rawBatches, rawReadAll };
  } finally {
    db.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  console.log(
    `event store bench: ${RUNS} runs; ${SINGLES} single-event appends from ${WRITERS} writers; ` +
      `${BATCHES} appends of ${BATCH_SIZE} from ${BATCH_WRITERS} writers; full $all read`,
  );
  const runs: Figures[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'esdb-bench-'));
    try {
      const server = await serverRun(dir);
      const raw = rawRun(dir);
      const f: Figures = { ...server, ...raw };
      runs.push(f);
      console.log(
        `run ${run}: singles ${fmt(f.singles)}/s (raw ${fmt(f.rawSingles)}/s, ${(f.singles / f.rawSingles).toFixed(3)}×)` +
          ` | batches ${fmt(f.batches)}/s (raw ${fmt(f.rawBatches)}/s, ${(f.batches / f.rawBatches).toFixed(3)}×)` +
          ` | $all read ${fmt(f.readAll)}/s over ${f.allEvents} events (undecoded gRPC ${fmt(f.grpcReadAll)}/s,` +
          ` raw ${fmt(f.rawReadAll)}/s)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = (k: keyof Figures) => median(runs.map((r) => r[k]));
  const row = (what: string, ours: number, raw: number, aim: string) =>
    `| ${what} | ${fmt(ours)} | ${fmt(raw)} | ${(ours / raw).toFixed(3)} | ${aim} |`;
  console.log(
    [
      '',
      `Median of ${RUNS} runs (events/s; Node ${process.version}, better-sqlite3 WAL + synchronous=NORMAL):`,
      '',
      '| workload | server via client | raw better-sqlite3 | ratio | aim |',
      '| --- | ---: | ---: | ---: | --- |',
      row(`single-event appends, ${WRITERS} writers`, m('singles'), m('rawSingles'), 'ratio ≥ 0.2'),
      row(`appends of ${BATCH_SIZE}, ${BATCH_WRITERS} writers`, m('batches'), m('rawBatches'), 'ratio ≥ 0.2'),
      row(
        `full $all read (${runs[0]?.allEvents ?? 0} events)`,
        m('readAll'),
        m('rawReadAll'),
        '≥ 50,000 events/s',
      ),
      row('full $all read, undecoded gRPC messages', m('grpcReadAll'), m('rawReadAll'), '(server side only)'),
      '',
    ].join('\n'),
  );
  const of = `median of ${RUNS} run${RUNS === 1 ? '' : 's'}`;
  const tableRow = (benchmark: string, ours: keyof Figures, raw: keyof Figures, aim: string) => ({
    benchmark,
    figure: `${int(m(ours))} events/s`,
    baseline: `raw better-sqlite3 ${int(m(raw))}/s`,
    ratio: ratio(m(ours) / m(raw)),
    aim,
  });
  writeRows([
    tableRow(
      `event store: single-event appends, ${WRITERS} writers (${int(SINGLES)} events, ${of})`,
      'singles',
      'rawSingles',
      '≥ 0.2',
    ),
    tableRow(
      `event store: appends of ${BATCH_SIZE}, ${BATCH_WRITERS} writers (${int(BATCHES * BATCH_SIZE)} events, ${of})`,
      'batches',
      'rawBatches',
      '≥ 0.2',
    ),
    tableRow(
      `event store: full \`$all\` read through the client (${int(runs[0]?.allEvents ?? 0)} events, ${of})`,
      'readAll',
      'rawReadAll',
      '≥ 50,000/s',
    ),
    tableRow(
      'event store: the same read as undecoded gRPC messages (the server side alone)',
      'grpcReadAll',
      'rawReadAll',
      '',
    ),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
