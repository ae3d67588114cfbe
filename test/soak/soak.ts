// The whole tracker as an office runs it (event store, API and worker as separate processes, a real Redis),
// driven by clerks at a steady rate while faults are injected at seeded moments; then the checks.
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { ALL_PROJECTIONS, projectionId } from '@tracker/application';
import type { DossierState } from '@tracker/domain';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answerChecks,
  CheckRow,
  dossiersOf,
  ledgerChecks,
  overdueCheck,
  portalCheck,
  readAllEvents,
  readModelCheck,
  scorecardCheck,
  StoredEvent,
} from './checks';
import { prng } from '../../apps/api/src/demo/prng';
import { FakePortalGateway } from '@tracker/testing/portal/fake-portal-gateway';
import { SoakDriver } from './driver';
import {
  apiProcess,
  eventStoreProcess,
  freePort,
  ManagedProcess,
  redisProcess,
  workerProcess,
} from './processes';
import { SOAK_TOKENS, soakTokensFile } from './province';

export type FaultKind = 'worker' | 'eventstore' | 'redis';

export type SoakOptions = Readonly<{
  /** How long the clerks work (bounded to 10 s – 1 h). */
  durationMs: number;
  seed?: number;
  /** Requests a second. */
  rate?: number;
  /** Faults injected during the run (at least one of each kind when there are three or more). */
  faults?: number;
  /** How long the system gets after the load to converge before the checks give their verdict. */
  settleMs?: number;
  keepFiles?: boolean;
  log?: (line: string) => void;
}>;

export type Fault = Readonly<{ kind: FaultKind; at: number; downMs: number; restartMs: number }>;

export type SoakReport = Readonly<{
  ok: boolean;
  rows: CheckRow[];
  figures: Record<string, string | number>;
  faults: Fault[];
  dir: string;
}>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seeded fault plan: evenly spread with jitter, kinds cycling so each appears. */
export function planFaults(
  seed: number,
  durationMs: number,
  count: number,
): { kind: FaultKind; atMs: number; downMs: number }[] {
  const rnd = prng(seed ^ 0x5eed);
  const kinds: FaultKind[] = ['worker', 'eventstore', 'redis'];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  // Leave the last fifth of the run fault-free so the last commands are not all retries.
  const span = durationMs * 0.8;
  const gap = span / count;
  return Array.from({ length: count }, (_, i) => ({
    kind: kinds[i % kinds.length],
    atMs: Math.round(gap * (i + 0.5) + (rnd() - 0.5) * 0.6 * gap),
    downMs: Math.round(300 + rnd() * 2_700),
  }));
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const durationMs = Math.min(3_600_000, Math.max(10_000, options.durationMs));
  const seed = options.seed ?? 766;
  const rate = options.rate ?? 20;
  const faultCount = options.faults ?? Math.max(3, Math.round(durationMs / 25_000));
  const log = options.log ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'tracker-soak-'));
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify(soakTokensFile()));
  const [esPort, redisPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const connectionString = `esdb://127.0.0.1:${esPort}?tls=false`;
  // The national portal's gateway, failing one call in six at random (500s, error codes, expired sessions).
  const gateway = await new FakePortalGateway({ failureRate: 0.15, random: prng(seed ^ 0x9a7e) }).start();
  const env = {
    ...gateway.env,
    NODE_ENV: 'test',
    EVENTSTORE_CONNECTION_STRING: connectionString,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_KEY_PREFIX: 'soak:',
    TRACKER_TOKENS_FILE: tokensFile,
  };
  const redis = redisProcess(redisPort, dir);
  const eventStore = eventStoreProcess(esPort, join(dir, 'eventstore'), dir);
  const api = apiProcess(apiPort, env, dir);
  const worker = workerProcess(env, dir);
  const all: ManagedProcess[] = [redis, eventStore, api, worker];
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const driver = new SoakDriver({ baseUrl, seed, rate, portal: true });
  const faults: Fault[] = [];
  let rows: CheckRow[];
  const figures: Record<string, string | number> = {};
  let ok = false;
  try {
    await redis.start();
    await eventStore.start();
    await Promise.all([api.start(), worker.start()]);
    log(`soak: processes up in ${dir} (event store :${esPort}, Redis :${redisPort}, API :${apiPort})`);
    await driver.setUp();

    const started = Date.now();
    const plan = planFaults(seed, durationMs, faultCount);
    const faulting = (async () => {
      for (const f of plan) {
        await sleep(started + f.atMs - Date.now());
        const target = f.kind === 'worker' ? worker : f.kind === 'eventstore' ? eventStore : redis;
        const at = Date.now() - started;
        await target.kill('SIGKILL');
        if (f.kind === 'redis') driver.redisEpoch++;
        await sleep(f.downMs);
        const t0 = Date.now();
        await target.start();
        faults.push({ kind: f.kind, at, downMs: f.downMs, restartMs: Date.now() - t0 });
        log(
          `soak: ${f.kind} SIGKILLed at ${(at / 1000).toFixed(1)} s, back after ${f.downMs + Date.now() - t0} ms`,
        );
      }
    })();
    const progress = setInterval(() => {
      const answered = driver.ledger.filter((s) => s.status !== undefined).length;
      log(
        `soak: ${Math.round((Date.now() - started) / 1000)} s, ${driver.ledger.length} requests, ${answered} answered`,
      );
    }, 15_000);
    try {
      await driver.run(started + durationMs);
      await faulting;
    } finally {
      clearInterval(progress);
    }
    const loadMs = Date.now() - started;

    // Settle: the worker chases the head, deadline jobs fire; the checks that read models converge on are
    // retried until they hold or the time is up.
    const settleUntil = Date.now() + (options.settleMs ?? 120_000);
    const client = EventStoreDBClient.connectionString(connectionString);
    try {
      let events: StoredEvent[] = [];
      let states = new Map<string, DossierState>();
      let converging: CheckRow[] = [];
      for (let round = 1; ; round++) {
        await waitForProjections(baseUrl, settleUntil);
        const asOf = Date.now() - 10_000; // a rung due in the last seconds may still be on its way
        const head = await headPosition(client);
        events = await readAllEvents(client);
        states = dossiersOf(events);
        converging = [
          await readModelCheck(baseUrl, states),
          overdueCheck(events, states, asOf),
          await scorecardCheck(baseUrl, events),
          portalCheck(events, gateway),
        ];
        // Nothing appended while the checks ran (a deadline rung, say): the checks saw one state.
        const still = (await headPosition(client)) === head;
        if ((converging.every((r) => r.ok) && still) || Date.now() > settleUntil) {
          figures['settle rounds'] = round;
          break;
        }
        await sleep(2_000);
      }
      // Appends are synchronous: the ledger's checks need no settling, only the last snapshot.
      rows = [...ledgerChecks(driver.ledger, events), ...answerChecks(driver.ledger), ...converging];
      figures['events in the store'] = events.length;
      figures['portal calls (failed at random)'] =
        `${gateway.callCount} (${gateway.calls.filter((c) => c.status === 500 || (c.answer && c.answer.error_code !== '00')).length})`;
      figures.dossiers = states.size;
    } finally {
      await client.dispose();
    }
    ok = rows.every((r) => r.ok);

    const ledger = driver.ledger;
    const count = (pred: (s: (typeof ledger)[number]) => boolean) => ledger.filter(pred).length;
    Object.assign(figures, {
      seed,
      'load duration (s)': (loadMs / 1000).toFixed(1),
      'requests sent': ledger.length,
      'requests a second': (ledger.length / (loadMs / 1000)).toFixed(1),
      'commands (receive / step)': `${count((s) => s.kind === 'receive')} / ${count((s) => s.kind === 'step')}`,
      '2xx commands': count(
        (s) => s.kind !== 'bad' && s.kind !== 'replay' && (s.status ?? 0) >= 200 && (s.status ?? 0) < 300,
      ),
      'commands refused by the rules': count(
        (s) => (s.kind === 'receive' || s.kind === 'step') && (s.status ?? 0) >= 400,
      ),
      'bad requests': count((s) => s.kind === 'bad'),
      replays: count((s) => s.kind === 'replay'),
      'requests retried (no answer, 5xx, in progress)': count((s) => s.statuses.length > 1),
      '503 answers on the way': ledger.reduce((n, s) => n + s.statuses.filter((st) => st === 503).length, 0),
      'no answer (connection refused / timeout) on the way': ledger.reduce(
        (n, s) => n + s.statuses.filter((st) => st === 0).length,
        0,
      ),
      'ticks skipped (64 requests in flight)': driver.skipped,
      faults: faults.map((f) => `${f.kind}@${(f.at / 1000).toFixed(0)}s`).join(' '),
    });
  } finally {
    for (const p of [...all].reverse()) await p.stop().catch(() => undefined);
    await gateway.stop();
    if (ok && !options.keepFiles) await rm(dir, { recursive: true, force: true });
  }
  return { ok, rows, figures, faults, dir };
}

/** Commit position of the last event in `$all` (read to the end: client 6.2.1 dislikes abandoned reads). */
async function headPosition(client: EventStoreDBClient): Promise<bigint> {
  let head = 0n;
  for await (const r of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    head = r.event?.position?.commit ?? head;
  }
  return head;
}

/** Until /api/health (its details, with a token) answers 200 with every projection of the registry at lag 0 (or the deadline passes). */
async function waitForProjections(baseUrl: string, deadline: number): Promise<void> {
  const names = ALL_PROJECTIONS.map(projectionId);
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/api/health`, {
        headers: { Authorization: `Bearer ${SOAK_TOKENS.admin}` },
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await res.json()) as { projections?: { name: string; lag: number | null }[] };
      const lag = new Map(body.projections?.map((p) => [p.name, p.lag]));
      if (res.status === 200 && names.every((n) => lag.get(n) === 0)) return;
    } catch {
      /* not answering yet */
    }
    if (Date.now() > deadline) return;
    await sleep(500);
  }
}

/** The verdict as a Markdown table, then the figures. */
export function formatReport(report: SoakReport): string {
  const lines = ['| check | expected | actual | result |', '|---|---|---|---|'];
  for (const r of report.rows)
    lines.push(`| ${r.check} | ${r.expected} | ${r.actual} | ${r.ok ? 'ok' : 'MISMATCH'} |`);
  lines.push('', '| figure | value |', '|---|---|');
  for (const [k, v] of Object.entries(report.figures)) lines.push(`| ${k} | ${v} |`);
  for (const r of report.rows.filter((x) => !x.ok)) {
    lines.push('', `${r.check}:`, ...(r.detail ?? []).map((d) => `  - ${d}`));
  }
  if (!report.ok) lines.push('', `logs and data kept in ${report.dir}`);
  return lines.join('\n');
}
