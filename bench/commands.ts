/**
 * Command benchmark: `npm run bench:commands [-- --dossiers 10000 --connections 32 --rate 500 --rated-dossiers 2000]`.
 *
 * Dossiers go through the HTTP API (the API and the embedded event store each in its own process, as
 * `start:api` and `eventstore` run them) with autocannon, each dossier a realistic life of five requests:
 * receive, input digitized, processed, result returned, synced.
 *   1. flat out: requests/s and latency p50/p95/p99;
 *   2. at a fixed overall rate (default 500 requests/s): latency p50/p95/p99 (the aim: p99 < 25 ms), once
 *      with autocannon's rate limit (bursty) and once evenly spaced;
 *   3. the same commands straight to the event store through the client, with the same decider and
 *      handleCommand (read, fold, decide, append; as the API's handlers call it, with a stream state cache
 *      and a new dossier decided on the empty state) and the same concurrency, no HTTP or Nest: the floor.
 * The ratio of 1 to 3 is what the HTTP and Nest layers (auth, validation, idempotency, catalogue look-ups)
 * cost. Not a test: nothing asserts on time.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { EventStoreDBClient } from '@eventstore/db-client';
import { StreamStateCache, handleCommand } from '@tracker/application';
import {
  DossierCommand,
  DossierState,
  ProcedureSnapshot,
  defaultVietnamCalendar,
  dossierDecider,
  dossierStreamName,
} from '@tracker/domain';
import { EsdbEventStore } from '@tracker/infrastructure';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, percentile, startApiProcess, startEventStoreProcess, stop } from './support/processes';
import { int, ms, ratio, writeRows } from './support/results';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '500' },
    'rated-dossiers': { type: 'string', default: '2000' },
    port: { type: 'string', default: '3917' },
  },
});
const DOSSIERS = Number(values.dossiers);
const CONNECTIONS = Number(values.connections);
const RATE = Number(values.rate);
const RATED_DOSSIERS = Number(values['rated-dossiers']);
const PORT = values.port!;
const TOKEN = 'bench-admin-token-0000000000000';
const UNITS = Array.from({ length: 20 }, (_, i) => `U${String(i + 1).padStart(2, '0')}`);
const PROCEDURE: ProcedureSnapshot & { units: string[] } = {
  name: 'Thủ tục mẫu',
  units: UNITS,
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: true,
  requiresWrittenResult: true,
};

type Step = { method: 'POST'; path: string; body: Record<string, unknown> };

/** The life of dossier n: five requests, each a function of the dossier's code. */
function lifeOf(run: string, n: number): Step[] {
  const code = `B${run}-${n}`;
  const unitId = UNITS[n % UNITS.length];
  const day = 3 + (n % 20);
  const at = (h: number) =>
    `2025-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+07:00`;
  return [
    {
      method: 'POST',
      path: '/api/dossiers',
      body: {
        code,
        unitId,
        procedureCode: 'P1',
        channel: 'online',
        onlineLevel: 'full',
        receivedAt: at(8),
        feeAmount: 50000,
      },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'input-digitized', occurredAt: at(9), reused: n % 3 === 0 },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'processed', occurredAt: at(14), outcome: 'approved' },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'result-returned', occurredAt: at(15) },
    },
    { method: 'POST', path: `/api/dossiers/${code}/events`, body: { type: 'synced', occurredAt: at(16) } },
  ];
}

type Figures = {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
};

async function overHttp(run: string, dossiers: number, overallRate?: number): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  // autocannon returns an instance that is also a promise of its result; the types say only one.
  const instance = autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONNECTIONS,
    amount: dossiers * 5,
    ...(overallRate ? { overallRate } : {}),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requests: [0, 1, 2, 3, 4].map((i) => ({
      setupRequest: (req: autocannon.Request, context: object) => {
        const ctx = context as { n: number };
        if (i === 0) ctx.n = next++;
        const step = lifeOf(run, ctx.n)[i];
        return { ...req, method: step.method, path: step.path, body: JSON.stringify(step.body) };
      },
    })),
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (status < 200 || status >= 300) non2xx++;
  });
  await instance;
  const seconds = (performance.now() - started) / 1000;
  return summary(latencies, seconds, non2xx);
}

/**
 * At a steady rate: a new dossier life starts every 5/rate seconds (five requests each, one after the other,
 * as a clerk works), over a keep-alive pool of CONNECTIONS sockets. autocannon's own rate limit sends each
 * connection's share of a second in one burst at the start of the second, which measures a burst, not a
 * steady load.
 */
async function paced(run: string, dossiers: number, rate: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let non2xx = 0;
  const send = (step: Step) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(step.body);
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: PORT,
          method: step.method,
          path: step.path,
          agent,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  const lives: Promise<void>[] = [];
  const interval = (5 / rate) * 1000;
  for (let n = 0; n < dossiers; n++) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lives.push(
      (async () => {
        for (const step of lifeOf(run, n)) await send(step);
      })(),
    );
  }
  await Promise.all(lives);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summary(latencies, seconds, non2xx);
}

async function direct(run: string, dossiers: number, connectionString: string): Promise<Figures> {
  const client = EventStoreDBClient.connectionString(connectionString);
  const store = new EsdbEventStore(client);
  const calendar = defaultVietnamCalendar();
  // As the API's handlers call it: the states of recently written dossiers (a step decides without reading
  // its dossier back) and a new dossier decided on the empty state.
  const states = new StreamStateCache<DossierState>(10_000);
  const { units: _u, ...procedure } = PROCEDURE;
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    for (let n = next++; n < dossiers; n = next++) {
      const life = lifeOf(run, n);
      const code = life[0].body.code as string;
      for (const step of life) {
        const now = new Date().toISOString();
        const actor = { subject: 'bench', role: 'clerk' as const };
        const b = step.body;
        const command: DossierCommand =
          step.path === '/api/dossiers'
            ? {
                type: 'ReceiveDossier',
                data: {
                  code,
                  unitId: b.unitId as string,
                  procedureCode: 'P1',
                  procedure,
                  channel: 'online',
                  onlineLevel: 'full',
                  receivedAt: b.receivedAt as string,
                  feeAmount: 50000,
                  calendar,
                  calendarVersion: '',
                  occurredAt: b.receivedAt as string,
                  now,
                  actor,
                },
              }
            : b.type === 'input-digitized'
              ? {
                  type: 'RecordInputDigitized',
                  data: { occurredAt: b.occurredAt as string, now, actor, reused: b.reused as boolean },
                }
              : b.type === 'processed'
                ? {
                    type: 'RecordProcessing',
                    data: { occurredAt: b.occurredAt as string, now, actor, outcome: 'approved' },
                  }
                : b.type === 'result-returned'
                  ? { type: 'ReturnResult', data: { occurredAt: b.occurredAt as string, now, actor } }
                  : { type: 'RecordSync', data: { occurredAt: b.occurredAt as string, now, actor } };
        const t0 = performance.now();
        await handleCommand(
          store,
          dossierStreamName(code),
          dossierDecider,
          command,
          { actor: 'bench', correlationId: code },
          { cache: states, expectNew: command.type === 'ReceiveDossier' },
        );
        latencies.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  await client.dispose();
  return summary(latencies, seconds, 0);
}

function summary(latencies: number[], seconds: number, non2xx: number): Figures {
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50: round(median(latencies)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    non2xx,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-commands-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify([{ token: TOKEN, name: 'bench', role: 'admin' }]));
  const es = await startEventStoreProcess(join(dir, 'eventstore'));
  const connectionString = `esdb://127.0.0.1:${es.port}?tls=false`;
  const api = await startApiProcess({
    PORT,
    EVENTSTORE_CONNECTION_STRING: connectionString,
    TRACKER_TOKENS_FILE: tokensFile,
    REDIS_KEY_PREFIX: `bench:${process.pid}:`,
    NODE_ENV: 'production',
  });
  try {
    const admin = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${PORT}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
      });
    for (const u of UNITS) await admin(`/api/units/${u}`, { name: `Đơn vị ${u}`, level: 'department' });
    await admin('/api/procedures/P1', PROCEDURE);

    console.log(
      `flat out over HTTP: ${DOSSIERS} dossiers, ${DOSSIERS * 5} requests, ${CONNECTIONS} connections…`,
    );
    const flat = await overHttp('F', DOSSIERS);
    console.log(
      `at ${RATE} requests/s over HTTP (autocannon's per-second bursts): ${RATED_DOSSIERS} dossiers…`,
    );
    const rated = await overHttp('R', RATED_DOSSIERS, RATE);
    console.log(`at a steady ${RATE} requests/s over HTTP: ${RATED_DOSSIERS} dossiers…`);
    const steady = await paced('S', RATED_DOSSIERS, RATE);
    console.log(`straight to the event store through the client: ${DOSSIERS} dossiers…`);
    const floor = await direct('D', DOSSIERS, connectionString);

    const row = (name: string, f: Figures) =>
      `| ${name} | ${f.requests} | ${f.rps} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.non2xx} |`;
    console.log('\n| run | commands | commands/s | p50 ms | p95 ms | p99 ms | non-2xx |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(row('HTTP API, flat out', flat));
    console.log(row(`HTTP API, ${RATE}/s in autocannon bursts`, rated));
    console.log(row(`HTTP API, steady ${RATE}/s`, steady));
    console.log(row('client + handleCommand, no HTTP/Nest', floor));
    console.log(`\nHTTP/Nest throughput ratio (HTTP / direct): ${round(flat.rps / floor.rps)}`);
    console.log(`p99 at a steady ${RATE} requests/s: ${steady.p99} ms (aim < 25 ms)`);

    const latency = (f: Figures) =>
      `p50 ${ms(f.p50)} / p95 ${ms(f.p95)} / p99 ${ms(f.p99)} ms${f.non2xx ? `, ${int(f.non2xx)} non-2xx` : ''}`;
    writeRows([
      {
        benchmark: `commands: ${int(DOSSIERS)} dossier lives over HTTP, flat out, ${CONNECTIONS} connections`,
        figure: `${int(flat.rps)} commands/s, ${latency(flat)}`,
        baseline: `client + handleCommand ${int(floor.rps)}/s`,
        ratio: ratio(flat.rps / floor.rps),
      },
      {
        benchmark: `commands: steady ${RATE} requests/s over HTTP (${int(RATED_DOSSIERS)} dossier lives)`,
        figure: latency(steady),
        aim: 'p99 < 25 ms',
      },
      {
        benchmark: `commands: ${RATE} requests/s in autocannon's per-second bursts`,
        figure: latency(rated),
      },
    ]);
  } finally {
    await stop(api);
    await stop(es.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
