// Real processes for the backup and restore suites: the tracker as `npm start` runs it (API, worker and the
// embedded event store in one process, on a data directory), the backup and restore commands, a Redis of the
// suite's own; and the checks of the read models against a recomputation from the log (test/soak/checks).
import { EventStoreDBClient } from '@eventstore/db-client';
import { openAlerts, type DossierState } from '@tracker/domain';
import { awaitPublishedOwner } from '@tracker/eventstore-server';
import { spawn } from 'node:child_process';
import { dossiersOf, readModelCheck, scorecardCheck, type CheckRow, type StoredEvent } from '../soak/checks';
import { ManagedProcess } from '../soak/processes';
import { SOAK_TOKENS } from '../soak/province';
import { REPO_ROOT } from '../support/eventstore-process';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function trackerProcess(port: number, env: Record<string, string>, logDir: string): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'tracker',
      command: process.execPath,
      args: ['-r', '@swc-node/register', 'apps/api/src/main.ts'],
      env: { ...env, PORT: String(port) },
      ready: async () => {
        for (;;) {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
              signal: AbortSignal.timeout(2000),
            });
            if (res.status === 200) return;
          } catch {
            /* not up yet */
          }
          await sleep(100);
        }
      },
    },
    logDir,
  );
}

/** `npm run backup|restore -- <file>` as its own process. */
export async function runCommand(
  command: 'backup' | 'restore',
  file: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', `apps/worker/src/backups/${command}.main.ts`, file],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { code, stdout, stderr };
}

export type LogRow = StoredEvent & { position: bigint; revision: bigint };

/** Every event of the log the running tracker serves (through the client, at the owner's address). */
export async function readLog(dataDir: string): Promise<LogRow[]> {
  const owner = await awaitPublishedOwner(dataDir, 1_000);
  if (owner.pid <= 0) throw new Error(`nobody serves ${dataDir}`);
  const client = EventStoreDBClient.connectionString(owner.connectionString);
  try {
    const rows: LogRow[] = [];
    for await (const r of client.readAll()) {
      const e = r.event;
      if (!e || e.type.startsWith('$') || e.streamId.startsWith('$')) continue;
      const metadata = e.metadata as { correlationId?: string } | undefined;
      rows.push({
        id: e.id,
        stream: e.streamId,
        type: e.type,
        data: e.data as Record<string, any>,
        position: e.position!.commit,
        revision: e.revision,
        ...(metadata?.correlationId ? { correlationId: metadata.correlationId } : {}),
      });
    }
    return rows;
  } finally {
    await client.dispose();
  }
}

export async function getJson(baseUrl: string, path: string, token = SOAK_TOKENS.reform): Promise<any> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** GET /api/alerts against the alerts each dossier's state (folded from its stream) has open. */
export async function alertsCheck(baseUrl: string, states: Map<string, DossierState>): Promise<CheckRow> {
  const { alerts: items } = (await getJson(baseUrl, '/api/alerts')) as { alerts: { id: string }[] };
  const expected = new Set([...states.values()].flatMap((s) => openAlerts(s).map((a) => a.id)));
  const actual = new Set(items.map((a) => a.id));
  const problems = [
    ...[...expected].filter((id) => !actual.has(id)).map((id) => `${id}: open by the log, not listed`),
    ...[...actual].filter((id) => !expected.has(id)).map((id) => `${id}: listed, not open by the log`),
  ];
  return {
    check: 'open alerts equal the ones the log opens',
    expected: `${expected.size} alerts`,
    actual: problems.length ? `${problems.length} mismatches` : `${expected.size} alerts`,
    ok: problems.length === 0,
    ...(problems.length ? { detail: problems.slice(0, 10) } : {}),
  };
}

/** Until health says every read model is of this log and none lags (or the deadline passes). */
export async function waitForReadModels(baseUrl: string, deadline: number): Promise<any> {
  let body: any;
  for (;;) {
    try {
      // The log's identity and each projection's lag are health's details, for a token holder.
      const res = await fetch(`${baseUrl}/api/health`, {
        headers: { authorization: `Bearer ${SOAK_TOKENS.reform}` },
        signal: AbortSignal.timeout(5_000),
      });
      body = await res.json();
      if (
        res.status === 200 &&
        body.log?.readModels === 'current' &&
        body.projections?.every((p: { lag: number | null }) => p.lag === 0)
      )
        return body;
    } catch {
      /* not answering yet */
    }
    if (Date.now() > deadline) throw new Error(`read models not current: ${JSON.stringify(body)}`);
    await sleep(250);
  }
}

/**
 * Lists, alerts and scorecards against a recomputation from the log, retried until they hold with nothing
 * appended meanwhile (deadline jobs append overdue events after a start), or the deadline passes.
 */
export async function settledChecks(
  baseUrl: string,
  dataDir: string,
  deadline: number,
): Promise<{ rows: CheckRow[]; events: LogRow[]; states: Map<string, DossierState> }> {
  for (;;) {
    await waitForReadModels(baseUrl, deadline);
    const events = await readLog(dataDir);
    const states = dossiersOf(events);
    const rows = [
      await readModelCheck(baseUrl, states),
      await alertsCheck(baseUrl, states),
      await scorecardCheck(baseUrl, events),
    ];
    const still = (await readLog(dataDir)).length === events.length;
    if ((rows.every((r) => r.ok) && still) || Date.now() > deadline) return { rows, events, states };
    await sleep(1_000);
  }
}
