// The soak's verdict, from three independent readings: the ledger of what the clerks were told, the raw
// events in `$all`, and what the API's read models answer.
import { EventStoreDBClient } from '@eventstore/db-client';
import { isRunning } from '@tracker/application';
import {
  DossierEvent,
  DossierState,
  evolveDossier,
  nationalStatus,
  portalPayload,
  portalPushes,
  type PortalStreamEvent,
  initialDossierState,
  instantMs,
  isDossier,
} from '@tracker/domain';
import { independentScorecard, RawEvent } from '../scorecard/independent-scorecard';
import type { FakePortalGateway } from '@tracker/testing/portal/fake-portal-gateway';
import type { Sent } from './driver';
import { SOAK_TOKENS } from './province';

export type CheckRow = { check: string; expected: string; actual: string; ok: boolean; detail?: string[] };

export type StoredEvent = RawEvent & { id: string; correlationId?: string };

/** Every non-system event of `$all`, read to the end. */
export async function readAllEvents(client: EventStoreDBClient): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of client.readAll()) {
    const e = r.event;
    if (!e || e.type.startsWith('$') || e.streamId.startsWith('$')) continue;
    const metadata = e.metadata as { correlationId?: string } | undefined;
    out.push({
      id: e.id,
      stream: e.streamId,
      type: e.type,
      data: e.data as Record<string, any>,
      ...(metadata?.correlationId ? { correlationId: metadata.correlationId } : {}),
    });
  }
  return out;
}

const row = (check: string, expected: string, problems: string[], actual?: string): CheckRow => ({
  check,
  expected,
  actual: actual ?? (problems.length === 0 ? expected : `${problems.length} mismatches`),
  ok: problems.length === 0,
  ...(problems.length ? { detail: problems.slice(0, 10) } : {}),
});

/** Ledger against `$all`: a 2xx command is there once, a refused or bad one left nothing. */
export function ledgerChecks(ledger: readonly Sent[], events: readonly StoredEvent[]): CheckRow[] {
  const byCorrelation = new Map<string, StoredEvent[]>();
  for (const e of events) {
    if (!e.correlationId) continue;
    const list = byCorrelation.get(e.correlationId) ?? [];
    list.push(e);
    byCorrelation.set(e.correlationId, list);
  }
  const commands = ledger.filter((s) => s.kind === 'receive' || s.kind === 'step');
  const accepted = commands.filter((s) => s.status !== undefined && s.status >= 200 && s.status < 300);
  const once: string[] = [];
  for (const s of accepted) {
    const mine = byCorrelation.get(s.correlationId) ?? [];
    const primary = mine.filter((e) => e.type === s.primaryType).length;
    const elsewhere = mine.filter((e) => e.stream !== `dossier-${s.code}`).length;
    if (primary !== 1 || elsewhere > 0) {
      once.push(`#${s.n} ${s.label} ${s.code}: ${primary} × ${s.primaryType}, ${elsewhere} events elsewhere`);
    }
  }
  const refused = ledger.filter(
    (s) =>
      s.kind === 'bad' || (s.kind !== 'replay' && s.status !== undefined && s.status >= 400 && !s.gaveUp),
  );
  const left: string[] = [];
  for (const s of refused) {
    const mine = byCorrelation.get(s.correlationId) ?? [];
    // A reused key shares the correlation id of nothing; its original's events are the original's.
    if (mine.length > 0) left.push(`#${s.n} ${s.label} (${s.status}): ${mine.map((e) => e.type).join(', ')}`);
  }
  const known = new Set(ledger.map((s) => s.correlationId));
  const stray = [...byCorrelation.keys()].filter((c) => c.startsWith('soak-') && !known.has(c));
  const gaveUp = commands.filter((s) => s.gaveUp);
  return [
    row('every 2xx command is in the event store exactly once', `${accepted.length} commands once`, once),
    row('no refused command left anything', `${refused.length} refusals, 0 events`, [
      ...left,
      ...stray.map((c) => `events under unknown correlation ${c}`),
    ]),
    row(
      'every command got a final answer (no give-up through the faults)',
      `${commands.length} answered`,
      gaveUp.map((s) => `#${s.n} ${s.label}: ${s.statuses.join(' ')}`),
    ),
  ];
}

/** Bad requests got their documented answers; replays repeated the first answer; nothing ended in a 5xx. */
export function answerChecks(ledger: readonly Sent[]): CheckRow[] {
  const bad = ledger.filter((s) => s.kind === 'bad');
  const wrong: string[] = [];
  for (const s of bad) {
    let ok =
      s.status !== undefined && s.expected!.includes(s.status) && typeof s.body?.error?.code === 'string';
    // A Redis restarted empty forgets keys: the reused key then reaches the rules, which refuse the repeat.
    if (!ok && s.label === 'bad:key-reused' && s.status === 409 && s.redisEpochAtAnswer !== s.redisEpoch)
      ok = true;
    if (ok && s.expectFields) {
      const named = new Set<string>(
        ((s.body?.error?.details ?? []) as { field?: string }[]).map((d) => d.field ?? ''),
      );
      const missing = s.expectFields.filter((f) => !named.has(f));
      if (missing.length) {
        wrong.push(`#${s.n} ${s.label}: fields not named: ${missing.join(', ')}`);
        continue;
      }
    }
    if (!ok)
      wrong.push(`#${s.n} ${s.label}: ${s.statuses.join(' ')} ${JSON.stringify(s.body).slice(0, 160)}`);
  }
  const replays = ledger.filter((s) => s.kind === 'replay');
  const differ: string[] = [];
  for (const s of replays) {
    const o = s.original!;
    const forgotten = s.redisEpochAtAnswer !== o.redisEpochAtAnswer;
    const same = forgotten
      ? s.status === o.status && (o.label !== 'receive' || s.body?.code === o.body?.code)
      : s.status === o.status && JSON.stringify(s.body) === JSON.stringify(o.body);
    if (!same) {
      differ.push(
        `#${s.n} ${s.label} of #${o.n}${forgotten ? ' (Redis restarted between)' : ''}: ${o.status} ${JSON.stringify(o.body)} then ${s.status} ${JSON.stringify(s.body)}`,
      );
    }
  }
  const final5xx = ledger.filter((s) => s.status !== undefined && s.status >= 500);
  const internal = ledger.filter((s) => s.statuses.some((st) => st >= 500 && st !== 503));
  const kinds = [...new Set(bad.map((s) => s.label))].length;
  return [
    row('bad requests got their documented errors', `${bad.length} bad requests of ${kinds} kinds`, wrong),
    row('a replayed Idempotency-Key repeats the first answer', `${replays.length} replays`, differ),
    row(
      'no final 5xx; outages answer 503, never 500',
      '0 final 5xx, 0 × 500',
      [
        ...final5xx.map((s) => `#${s.n} ${s.label}: final ${s.status}`),
        ...internal.map(
          (s) => `#${s.n} ${s.label}: ${s.statuses.join(' ')} ${JSON.stringify(s.body).slice(0, 120)}`,
        ),
      ],
      `${final5xx.length} final 5xx, ${internal.length} with a non-503 5xx`,
    ),
  ];
}

/** Each dossier's state folded from its stream. */
export function dossiersOf(events: readonly StoredEvent[]): Map<string, DossierState> {
  const states = new Map<string, DossierState>();
  for (const e of events) {
    if (!e.stream.startsWith('dossier-')) continue;
    const code = e.stream.slice('dossier-'.length);
    states.set(
      code,
      evolveDossier(states.get(code) ?? initialDossierState(), {
        type: e.type,
        data: e.data,
      } as DossierEvent),
    );
  }
  return states;
}

const COMPARED = [
  'code',
  'unitId',
  'currentUnitId',
  'procedureCode',
  'status',
  'channel',
  'receivedAt',
  'dueAt',
  'effectiveDueAt',
  'rescheduledDueAt',
  'overdue',
  'supplementRequests',
  'finishedAt',
  'onTime',
] as const;

/** GET /api/dossiers (the read model) against each stream's fold. */
export async function readModelCheck(baseUrl: string, states: Map<string, DossierState>): Promise<CheckRow> {
  const items = new Map<string, Record<string, unknown>>();
  for (let cursor: string | undefined; ;) {
    const res = await fetch(
      `${baseUrl}/api/dossiers?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers: { authorization: `Bearer ${SOAK_TOKENS.reform}` },
      },
    );
    if (res.status !== 200) throw new Error(`GET /api/dossiers: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: Record<string, unknown>[]; nextCursor?: string | null };
    for (const item of page.items) items.set(String(item.code), item);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const problems: string[] = [];
  let compared = 0;
  for (const [code, state] of states) {
    if (!isDossier(state)) continue;
    compared++;
    const item = items.get(code);
    if (!item) {
      problems.push(`${code}: missing from the read model`);
      continue;
    }
    for (const field of COMPARED) {
      const expected = JSON.stringify((state as unknown as Record<string, unknown>)[field] ?? null);
      const actual = JSON.stringify(item[field] ?? null);
      if (expected !== actual) problems.push(`${code}.${field}: stream ${expected}, read model ${actual}`);
    }
  }
  for (const code of items.keys()) if (!states.has(code)) problems.push(`${code}: in the read model only`);
  return row(
    "each dossier's state from its stream equals the read model",
    `${compared} dossiers equal`,
    problems,
  );
}

/** Every running dossier past its effective due has exactly one DossierBecameOverdue for it; none twice. */
export function overdueCheck(
  events: readonly StoredEvent[],
  states: Map<string, DossierState>,
  asOfMs: number,
): CheckRow {
  const overdues = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== 'DossierBecameOverdue') continue;
    const list = overdues.get(e.stream) ?? [];
    list.push(instantMs(e.data.dueAt as string, 'dueAt'));
    overdues.set(e.stream, list);
  }
  const problems: string[] = [];
  let pastDue = 0;
  for (const [code, d] of states) {
    if (!isDossier(d)) continue;
    const mine = overdues.get(`dossier-${code}`) ?? [];
    const twice = mine.filter((t, i) => mine.indexOf(t) !== i);
    if (twice.length)
      problems.push(`${code}: DossierBecameOverdue twice for ${new Date(twice[0]).toISOString()}`);
    const due = instantMs(d.effectiveDueAt, 'effectiveDueAt');
    if (!isRunning(d) || due >= asOfMs) continue;
    pastDue++;
    const count = mine.filter((t) => t === due).length;
    if (count !== 1)
      problems.push(`${code}: due ${d.effectiveDueAt}, ${count} × DossierBecameOverdue for it`);
  }
  return row(
    'every unfinished dossier past its due has exactly one DossierBecameOverdue',
    `${pastDue} past due, once each`,
    problems,
  );
}

/** Current quarter and year (UTC+7) of `ms`. */
export function periodsAround(ms: number): string[] {
  const local = new Date(ms + 7 * 3_600_000);
  const year = local.getUTCFullYear();
  return [`${year}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`, String(year)];
}

/** The live scorecard (GET /api/scorecards) against a recomputation from scratch over `$all`. */
export async function scorecardCheck(baseUrl: string, events: readonly StoredEvent[]): Promise<CheckRow> {
  const problems: string[] = [];
  let compared = 0;
  for (const period of periodsAround(Date.now())) {
    for (const level of ['department', 'commune']) {
      const res = await fetch(`${baseUrl}/api/scorecards?period=${period}&level=${level}`, {
        headers: { authorization: `Bearer ${SOAK_TOKENS.reform}` },
      });
      if (res.status !== 200) {
        problems.push(`${period} ${level}: ${res.status}`);
        continue;
      }
      const live = (await res.json()) as { asOf: string; units: any[]; province: any };
      const expected = independentScorecard([...events] as RawEvent[], period, Date.parse(live.asOf), level);
      const where = `${period} ${level}`;
      if (live.units.map((u) => u.unitId).join() !== expected.rows.map((r) => r.unitId).join()) {
        problems.push(
          `${where}: ranking ${live.units.map((u) => u.unitId).join()} ≠ ${expected.rows.map((r) => r.unitId).join()}`,
        );
      }
      const pairs: [any, (typeof expected.rows)[number] | typeof expected.province][] = [
        ...live.units.map((u, i) => [u, expected.rows[i]] as [any, (typeof expected.rows)[number]]),
        [live.province, expected.province],
      ];
      for (const [actual, exp] of pairs) {
        if (!exp) continue;
        compared++;
        const criteria = new Map<string, any>(
          actual.groups.flatMap((g: any) => g.criteria.map((c: any) => [c.id, c])),
        );
        for (const c of exp.criteria) {
          const a = criteria.get(c.id);
          const scoreOk = c.score === null ? a?.score === null : Math.abs(a?.score - c.score) <= 0.005 + 1e-9;
          if (a?.numerator !== c.numerator || a?.denominator !== c.denominator || !scoreOk) {
            problems.push(
              `${where} ${actual.unitId ?? 'province'} ${c.id}: live ${a?.numerator}/${a?.denominator} (${a?.score}), recomputed ${c.numerator}/${c.denominator} (${c.score})`,
            );
          }
        }
        if (Math.abs(actual.total - exp.total) > 0.005 + 1e-9 || actual.band !== exp.band) {
          problems.push(
            `${where} ${actual.unitId ?? 'province'}: total ${actual.total} ${actual.band}, recomputed ${exp.total} ${exp.band}`,
          );
        }
      }
    }
  }
  return row(
    'the live scorecard equals a recomputation from $all',
    `${compared} scorecards (quarter and year, two levels, province) equal`,
    problems,
  );
}

/**
 * The national portal against `$all`: every push a dossier's events call for was accepted and recorded once
 * (one DossierSynced per dossier), the gateway got each step in recording order (a push repeated after a
 * worker crash counted once), its dossier holds the final status, and it refused no item as malformed.
 */
export function portalCheck(events: readonly StoredEvent[], gateway: FakePortalGateway): CheckRow {
  const streams = new Map<string, PortalStreamEvent[]>();
  for (const e of events) {
    if (!e.stream.startsWith('dossier-')) continue;
    const code = e.stream.slice('dossier-'.length);
    const list = streams.get(code) ?? [];
    list.push({ event: { type: e.type, data: e.data } as DossierEvent, revision: BigInt(list.length) });
    streams.set(code, list);
  }
  const problems: string[] = gateway.refusals.map((r) => `refused: ${r}`);
  let pushes = 0;
  const key = (s: Record<string, unknown>) =>
    `${String(s.ThoiDiemXuLy)}|${String(s.TrangThai)}|${String(s.NoiDungXuLy)}`;
  const distinct = (items: string[]) => items.filter((k, i) => items.indexOf(k) === i);
  for (const [code, stream] of streams) {
    const plan = portalPushes(code, stream);
    pushes += plan.length;
    const open = plan.filter((p) => !p.accepted);
    if (open.length) problems.push(`${code}: ${open.length} pushes not accepted (${open[0]!.id} …)`);
    const synced = stream.filter((e) => e.event.type === 'DossierSynced').length;
    if (plan.length && synced !== 1) problems.push(`${code}: DossierSynced ${synced} times`);
    const known = gateway.dossiers.get(code);
    if (!plan.length) continue;
    if (!known) {
      problems.push(`${code}: unknown to the portal`);
      continue;
    }
    const expected = distinct(plan.map((p) => key(portalPayload(stream, p.revision, { unitName: '' }).step)));
    const got = distinct(known.steps.map(key));
    if (JSON.stringify(got) !== JSON.stringify(expected))
      problems.push(`${code}: steps ${got.join(', ')} instead of ${expected.join(', ')}`);
    const state = stream.reduce((s, e) => evolveDossier(s, e.event), initialDossierState());
    if (isDossier(state) && known.dossier.TrangThaiHoSo !== nationalStatus(state))
      problems.push(
        `${code}: portal status ${String(known.dossier.TrangThaiHoSo)}, dossier ${nationalStatus(state)}`,
      );
  }
  return row(
    'the national portal got every push in order, each recorded once',
    `${pushes} pushes of ${streams.size} dossiers accepted, ${gateway.dossiers.size} dossiers on the portal`,
    problems,
  );
}
