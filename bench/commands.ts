/**
 * Command benchmark: `npm run bench:commands [-- --dossiers 10000 --connections 32 --rate 500 --rated-dossiers 2000
 * --keyed-dossiers 5000 --warmup 1000 --cpu-prof <dir> --flat-only]` (`--cpu-prof` writes the API process's V8 CPU
 * profile into <dir> when it stops, to see where its time per command goes; `--flat-only` runs only 1, 1b, 1c and 3,
 * the ratio's two sides and the ceilings, to compare two versions of the API quickly; `--warmup`: dossiers run
 * untimed through each of 1, 1b, 1c and 3 before it is measured).
 *
 * Dossiers go through the HTTP API (the API and the embedded event store each in its own process, as
 * `start:api` and `eventstore` run them) with autocannon, each dossier a realistic life of five requests:
 * receive, input digitized, processed, result returned, synced.
 *   1. flat out: requests/s and latency p50/p95/p99;
 *   1b. the same flat out over bare node:http (bench/support/bare-command-server.ts: the same commands, client and
 *      handleCommand, nothing of Nest, Express, validation or guards): the ceiling of any HTTP stack on this
 *      machine, so that what the API's own pipeline costs shows as the difference;
 *   1c. the same flat out over a Nest application with one controller and nothing else (no validation, guards,
 *      interceptors or middleware; bench/support/nest-command-server.ts), on Express and on Fastify: the ceiling of
 *      the stack the product fixes, what Nest and each adapter cost on their own;
 *   2. at a fixed overall rate (default 500 requests/s): latency p50/p95/p99 (the aim: p99 < 25 ms), once
 *      with autocannon's rate limit (bursty) and once evenly spaced;
 *   2b. flat out again with an `Idempotency-Key` on every request, as the pages send (a claim and an answer
 *      in Redis per request);
 *   3. the same commands straight to the event store through the client, with the same decider and
 *      handleCommand (read, fold, decide, append; as the API's handlers call it, with a stream state cache
 *      and a new dossier decided on the empty state) and the same concurrency, no HTTP or Nest: the floor.
 * Each timed phase of 2 starts once the API and the event store are idle (the previous phase's last work done),
 * and reports beside its percentiles the p99 of each second (one bad second is a stall, every second high is
 * the load or the machine) and the machine's CPU and I/O pressure over it (Linux PSI: the share of the time
 * some task waited for a CPU, for the disk; with the WAL synced at every commit, a busy disk shows at once).
 * The ratio of 1 to 3 is what the HTTP and Nest layers (auth, validation, idempotency, catalogue look-ups)
 * cost. Beside each rate, the CPU time per command of the process doing the work (the API's; the bench's own
 * for 3) and of the event store's, read from /proc: on a machine shared with other work, rates and latencies
 * move with the load, CPU time per command much less. Not a test: nothing asserts on time.
 */
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { Agent, request } from 'node:http';
import { EventStoreDBClient } from '@eventstore/db-client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  median,
  percentile,
  startApiProcess,
  startCeilingServer,
  type CeilingServer,
  startEventStoreProcess,
  stop,
} from './support/processes';
import { unlinkMatching } from '@tracker/infrastructure';
import { PROCEDURE, TOKEN, UNITS, commandRunner, lifeOf, type Step } from './support/dossier-lives';
import { int, ms, ratio, writeRows } from './support/results';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '500' },
    'rated-dossiers': { type: 'string', default: '2000' },
    'keyed-dossiers': { type: 'string', default: '5000' },
    port: { type: 'string', default: '3917' },
    'cpu-prof': { type: 'string' },
    'flat-only': { type: 'boolean', default: false },
    warmup: { type: 'string', default: '1000' },
  },
});
const DOSSIERS = Number(values.dossiers);
const CONNECTIONS = Number(values.connections);
const RATE = Number(values.rate);
const RATED_DOSSIERS = Number(values['rated-dossiers']);
const KEYED_DOSSIERS = Number(values['keyed-dossiers']);
const PORT = values.port!;
/**
 * Dossiers run, untimed, through each side of the ratio before it is measured (the API, the bare server, the
 * floor): the processes start cold, and a JIT compiling the first thousands of requests is not what a running
 * tracker pays. Without it the HTTP side, measured first on fresh processes, paid the warm-up the floor, measured
 * last, did not.
 */
const WARMUP = Number(values.warmup);
type Figures = {
  requests: number;
  /** CPU ms per command of the process that served it (API, or the bench's for the floor) and of the event store. */
  cpu?: { worker: number; store: number };
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  /** The p99 of each whole second of the run (requests by the second they were sent in), worst and median. */
  seconds99?: { worst: number; median: number; all: number[] };
  /** Share of the run's time some task of the machine waited for a CPU, for I/O (Linux PSI), in %. */
  pressure?: { cpu: number; io: number };
};

/** CPU milliseconds a process has used so far (user + system), from /proc; undefined where there is none. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU per command of `worker` (a pid, or this process) and of the event store over `work`. */
async function measured(
  worker: number | 'self',
  store: number | undefined,
  work: () => Promise<Figures>,
): Promise<Figures> {
  const cpuOf = () => (worker === 'self' ? processCpuMs() : cpuMs(worker));
  const [w0, s0] = [cpuOf(), cpuMs(store)];
  const figures = await work();
  const [w1, s1] = [cpuOf(), cpuMs(store)];
  if (w0 === undefined || w1 === undefined || s0 === undefined || s1 === undefined) return figures;
  const per = (a: number, b: number) => round((b - a) / figures.requests, 3);
  return { ...figures, cpu: { worker: per(w0, w1), store: per(s0, s1) } };
}
const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function overHttp(
  run: string,
  dossiers: number,
  overallRate?: number,
  keyed = false,
  port = PORT,
): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  const sent: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  // autocannon returns an instance that is also a promise of its result; the types say only one.
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount: dossiers * 5,
    ...(overallRate ? { overallRate } : {}),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requests: [0, 1, 2, 3, 4].map((i) => ({
      setupRequest: (req: autocannon.Request, context: object) => {
        const ctx = context as { n: number };
        if (i === 0) ctx.n = next++;
        const step = lifeOf(run, ctx.n)[i];
        return {
          ...req,
          method: step.method,
          path: step.path,
          body: JSON.stringify(step.body),
          ...(keyed ? { headers: { ...req.headers, 'idempotency-key': `${run}-${ctx.n}-${i}` } } : {}),
        };
      },
    })),
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    sent.push(performance.now() - ms - started);
    if (status < 200 || status >= 300) non2xx++;
  });
  await instance;
  const seconds = (performance.now() - started) / 1000;
  return summary(latencies, seconds, non2xx, sent);
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
  const sent: number[] = [];
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
            sent.push(t0 - started);
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
  return summary(latencies, seconds, non2xx, sent);
}

async function direct(run: string, dossiers: number, connectionString: string): Promise<Figures> {
  const client = EventStoreDBClient.connectionString(connectionString);
  const runStep = commandRunner(client);
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    for (let n = next++; n < dossiers; n = next++) {
      for (const step of lifeOf(run, n)) {
        const t0 = performance.now();
        await runStep(step);
        latencies.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  await client.dispose();
  return summary(latencies, seconds, 0);
}

/**
 * `sent`: when each request was sent (ms from the run's start), for the p99 of each second: a tail spread over
 * the run (every second's p99 high) is the machine or the load; one bad second is a stall.
 */
function summary(latencies: number[], seconds: number, non2xx: number, sent?: number[]): Figures {
  let seconds99: Figures['seconds99'];
  if (sent) {
    const bySecond = new Map<number, number[]>();
    sent.forEach((at, i) => {
      const second = Math.floor(at / 1000);
      const list = bySecond.get(second) ?? bySecond.set(second, []).get(second)!;
      list.push(latencies[i]);
    });
    // Whole seconds only: the last one holds a few requests.
    const p99s = [...bySecond.entries()]
      .filter(([second]) => second < Math.floor(seconds))
      .map(([, list]) => percentile(list, 99));
    if (p99s.length > 0) {
      seconds99 = {
        worst: round(Math.max(...p99s)),
        median: round(median(p99s)),
        all: p99s,
      };
    }
  }
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50: round(median(latencies)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    non2xx,
    ...(seconds99 ? { seconds99 } : {}),
  };
}

/** Microseconds some task of the machine has waited for a CPU and for I/O so far (Linux PSI), if known. */
function stallMicros(): { cpu: number; io: number } | undefined {
  try {
    const some = (resource: string) =>
      Number(/^some .*total=(\d+)/m.exec(readFileSync(`/proc/pressure/${resource}`, 'utf8'))![1]);
    return { cpu: some('cpu'), io: some('io') };
  } catch {
    return undefined;
  }
}

/** `work`'s figures with the machine's CPU and I/O pressure over it: how much other work got in the way. */
async function underPressure(work: () => Promise<Figures>): Promise<Figures> {
  const [before, started] = [stallMicros(), performance.now()];
  const figures = await work();
  const after = stallMicros();
  if (!before || !after) return figures;
  const share = (a: number, b: number) => round(((b - a) / 1000 / (performance.now() - started)) * 100, 1);
  return { ...figures, pressure: { cpu: share(before.cpu, after.cpu), io: share(before.io, after.io) } };
}

/**
 * Waits until the API and the event store have been idle (at most 20 ms of CPU each, /proc's 10 ms ticks, over
 * half a second), at most 10 s: a timed phase starts on a system that finished the previous one's work (its
 * last commits and syncs, collections of its garbage), not in its wake. Resolves with the wait in ms.
 */
async function settled(pids: (number | undefined)[]): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = pids.map(cpuMs);
    if (before.includes(undefined)) return 0; // no /proc: cannot tell
    await new Promise((r) => setTimeout(r, 500));
    const idle = pids.map(cpuMs).every((c, i) => c !== undefined && c - before[i]! <= 20);
    if (idle || performance.now() - started >= 10_000) return Math.round(performance.now() - started);
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A timed phase's per-second tail and the machine's pressure over it, for the printed lines and the rows. */
const tail = (f: Figures, aim: number): string =>
  (f.seconds99
    ? `; p99 of each second: median ${f.seconds99.median.toFixed(1)}, worst ${f.seconds99.worst.toFixed(1)} ms, ` +
      `${f.seconds99.all.filter((p) => p >= aim).length} of ${f.seconds99.all.length} seconds ≥ ${aim} ms`
    : '') + (f.pressure ? `; pressure: CPU ${f.pressure.cpu} %, I/O ${f.pressure.io} % of the time` : '');

/**
 * The same lives flat out over one of the measuring sticks (its own process, on the next port): bare node:http,
 * what HTTP costs at the least on this machine, or a Nest application with nothing but a controller; the API's
 * own pipeline shows as the difference.
 */
async function overCeiling(
  kind: CeilingServer,
  connectionString: string,
  store: number | undefined,
): Promise<Figures> {
  const port = String(Number(PORT) + 1);
  const server = await startCeilingServer(kind, {
    PORT: port,
    EVENTSTORE_CONNECTION_STRING: connectionString,
  });
  try {
    const run = { bare: 'C', 'nest-express': 'NE', 'nest-fastify': 'NF' }[kind];
    await overHttp(`W${run}`, WARMUP, undefined, false, port);
    return await measured(server.pid!, store, () => overHttp(run, DOSSIERS, undefined, false, port));
  } finally {
    await stop(server);
  }
}

type Ceilings = { bare: Figures; nestExpress: Figures; nestFastify: Figures };

async function overCeilings(connectionString: string, store: number | undefined): Promise<Ceilings> {
  console.log(
    `flat out over bare node:http, the same commands without Nest or Express: ${DOSSIERS} dossiers…`,
  );
  const bare = await overCeiling('bare', connectionString, store);
  console.log(`flat out over Nest with one controller and nothing else, on Express: ${DOSSIERS} dossiers…`);
  const nestExpress = await overCeiling('nest-express', connectionString, store);
  console.log(`the same on Fastify: ${DOSSIERS} dossiers…`);
  const nestFastify = await overCeiling('nest-fastify', connectionString, store);
  return { bare, nestExpress, nestFastify };
}

const ceilingLines = (flat: Figures, c: Ceilings, floor: Figures): string => {
  const over = (f: Figures) => (flat.cpu && f.cpu ? round(flat.cpu.worker - f.cpu.worker, 3) : '?');
  const of = (name: string, f: Figures) =>
    `${name} ${f.rps}/s (${f.cpu?.worker} ms CPU/command): ratio ${round(f.rps / floor.rps)} of the floor`;
  return (
    `${of('bare node:http', c.bare)}, the ceiling of any HTTP stack here; the API's pipeline (Nest, Express, ` +
    `validation, guards, answers) costs ${over(c.bare)} ms CPU per command above it\n` +
    `${of('Nest with one controller on Express', c.nestExpress)}; the API costs ${over(c.nestExpress)} ms above it\n` +
    `${of('the same on Fastify', c.nestFastify)}, the ceiling of the stack the product fixes`
  );
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-commands-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify([{ token: TOKEN, name: 'bench', role: 'admin' }]));
  const es = await startEventStoreProcess(join(dir, 'eventstore'));
  const prefix = `bench:${process.pid}:`;
  const connectionString = `esdb://127.0.0.1:${es.port}?tls=false`;
  const api = await startApiProcess(
    {
      PORT,
      EVENTSTORE_CONNECTION_STRING: connectionString,
      TRACKER_TOKENS_FILE: tokensFile,
      REDIS_KEY_PREFIX: prefix,
      NODE_ENV: 'production',
    },
    30_000,
    values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [],
  );
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
    await overHttp('WF', WARMUP);
    const flat = await measured(api.pid!, es.child.pid, () => overHttp('F', DOSSIERS));
    const ceilings = await overCeilings(connectionString, es.child.pid);
    if (values['flat-only']) {
      console.log(`straight to the event store through the client: ${DOSSIERS} dossiers…`);
      await direct('WD', WARMUP, connectionString);
      const floor = await measured('self', es.child.pid, () => direct('D', DOSSIERS, connectionString));
      console.log(
        `HTTP ${flat.rps}/s (API ${flat.cpu?.worker} ms CPU/command), floor ${floor.rps}/s ` +
          `(${floor.cpu?.worker} ms CPU/command): ratio ${round(flat.rps / floor.rps)}, CPU ratio ` +
          `${flat.cpu && floor.cpu ? round(flat.cpu.worker / floor.cpu.worker) : '?'}; non-2xx ${flat.non2xx}`,
      );
      console.log(ceilingLines(flat, ceilings, floor));
      return;
    }
    console.log(
      `at ${RATE} requests/s over HTTP (autocannon's per-second bursts): ${RATED_DOSSIERS} dossiers…`,
    );
    const quiet = () => settled([api.pid, es.child.pid]);
    console.log(`  (the API and the event store idle after ${await quiet()} ms)`);
    const rated = await underPressure(() => overHttp('R', RATED_DOSSIERS, RATE));
    console.log(`at a steady ${RATE} requests/s over HTTP: ${RATED_DOSSIERS} dossiers…`);
    console.log(`  (the API and the event store idle after ${await quiet()} ms)`);
    const steady = await underPressure(() => paced('S', RATED_DOSSIERS, RATE));
    console.log(`flat out over HTTP, an Idempotency-Key on every request: ${KEYED_DOSSIERS} dossiers…`);
    const keyed = await measured(api.pid!, es.child.pid, () =>
      overHttp('K', KEYED_DOSSIERS, undefined, true),
    );
    console.log(`straight to the event store through the client: ${DOSSIERS} dossiers…`);
    await direct('WD', WARMUP, connectionString);
    const floor = await measured('self', es.child.pid, () => direct('D', DOSSIERS, connectionString));

    const row = (name: string, f: Figures) =>
      `| ${name} | ${f.requests} | ${f.rps} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.non2xx} | ${f.cpu?.worker ?? ''} | ${f.cpu?.store ?? ''} |`;
    console.log(
      '\n| run | commands | commands/s | p50 ms | p95 ms | p99 ms | non-2xx | CPU ms/command (API or bench) | CPU ms/command (event store) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(row('HTTP API, flat out', flat));
    console.log(row(`HTTP API, ${RATE}/s in autocannon bursts`, rated));
    console.log(row(`HTTP API, steady ${RATE}/s`, steady));
    console.log(row('HTTP API, flat out, Idempotency-Key on each', keyed));
    console.log(row('bare node:http + handleCommand, no Nest/Express', ceilings.bare));
    console.log(row('Nest, one controller, on Express + handleCommand', ceilings.nestExpress));
    console.log(row('Nest, one controller, on Fastify + handleCommand', ceilings.nestFastify));
    console.log(row('client + handleCommand, no HTTP/Nest', floor));
    console.log(`\nHTTP/Nest throughput ratio (HTTP / direct): ${round(flat.rps / floor.rps)} (aim ≥ 0.5)`);
    if (flat.cpu && floor.cpu) {
      console.log(
        `CPU per command, the API over the floor's client + handleCommand: ${round(flat.cpu.worker / floor.cpu.worker)}`,
      );
    }
    console.log(ceilingLines(flat, ceilings, floor));
    console.log(`p99 at a steady ${RATE} requests/s: ${steady.p99} ms (aim < 25 ms)${tail(steady, 25)}`);
    console.log(
      `p99 at ${RATE} requests/s in autocannon's bursts: ${rated.p99} ms (aim < 50 ms)${tail(rated, 50)}`,
    );

    const latency = (f: Figures) =>
      `p50 ${ms(f.p50)} / p95 ${ms(f.p95)} / p99 ${ms(f.p99)} ms${f.non2xx ? `, ${int(f.non2xx)} non-2xx` : ''}`;
    const timed = (f: Figures, aim: number) => `${latency(f)}${tail(f, aim)}`;
    const cpu = (f: Figures) => (f.cpu ? `; ${f.cpu.worker.toFixed(2)} ms CPU per command` : '');
    writeRows([
      {
        benchmark: `commands: ${int(DOSSIERS)} dossier lives over HTTP, flat out, ${CONNECTIONS} connections`,
        figure: `${int(flat.rps)} commands/s, ${latency(flat)}${cpu(flat)}`,
        baseline: `client + handleCommand ${int(floor.rps)}/s${cpu(floor)}`,
        ratio: ratio(flat.rps / floor.rps),
        aim: '≥ 0.5',
      },
      ...(
        [
          [
            'bare node:http (no Nest, Express or validation), flat out: the ceiling of any HTTP stack',
            ceilings.bare,
          ],
          [
            'Nest with one controller on Express (no validation, guards or middleware), flat out',
            ceilings.nestExpress,
          ],
          [
            'the same on Fastify: the ceiling of the stack the product fixes (Nest, class-validator)',
            ceilings.nestFastify,
          ],
        ] as const
      ).map(([name, f]) => ({
        benchmark: `commands: ${int(DOSSIERS)} dossier lives over ${name}`,
        figure: `${int(f.rps)} commands/s, ${latency(f)}${cpu(f)}`,
        baseline: `client + handleCommand ${int(floor.rps)}/s`,
        ratio: ratio(f.rps / floor.rps),
      })),
      {
        benchmark: `commands: ${int(KEYED_DOSSIERS)} dossier lives over HTTP, flat out, an Idempotency-Key on each request`,
        figure: `${int(keyed.rps)} commands/s, ${latency(keyed)}${cpu(keyed)}`,
        baseline: `client + handleCommand ${int(floor.rps)}/s`,
        ratio: ratio(keyed.rps / floor.rps),
      },
      {
        benchmark: `commands: steady ${RATE} requests/s over HTTP (${int(RATED_DOSSIERS)} dossier lives)`,
        figure: timed(steady, 25),
        aim: 'p99 < 25 ms',
      },
      {
        benchmark: `commands: ${RATE} requests/s in autocannon's per-second bursts`,
        figure: timed(rated, 50),
        aim: 'p99 < 50 ms',
      },
    ]);
  } finally {
    await stop(api);
    await stop(es.child);
    rmSync(dir, { recursive: true, force: true });
    // The API's keys (the keyed run's 25,000 Idempotency-Key entries live a day otherwise).
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await unlinkMatching(redis, `${prefix}*`).finally(() => redis.quit());
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
