// computeScorecard: SCORING.md evaluated over the dossiers' facts. One pass over the facts with plain
// loops into typed counters (no allocation per dossier), then the method's configuration turns the
// counts into scores. The province row sums its units' dossier counts (aggregated, not averaged) and
// counts distinct catalogue procedures itself.
import { UNIT_LEVELS, type UnitLevel } from '../catalogue';
import { DomainError } from '../core/event-sourcing.types';
import { instantFromMs, instantMs } from '../dossier/dossier.time';
import type { DossierFacts } from './dossier-facts';
import { periodWindow, type PeriodWindow } from './periods';
import type {
  ComputeScorecardInput,
  CriterionExplanation,
  CriterionResult,
  GroupResult,
  ProvinceScore,
  Scorecard,
  ScorecardProcedureInput,
  ScoreRow,
  UnitScore,
} from './scorecard.types';
import { bandOf, shapeScore, type CriterionId, type ScoringMethod } from './scoring-method';

// ---------------------------------------------------------------------------------------------------
// The on-time rule (SCORING.md "On time"), on facts. Same semantics as dossier.on-time.ts isOnTimeAt
// (which works on ISO instants); the spec checks that both agree.

/** The end instant E at `end` (epoch ms). */
export function onTimeEndOf(f: DossierFacts, end: number): number {
  const fin = f.finishedAt;
  if (fin !== null && fin <= end) return fin;
  const reqs = f.supplementRequestedAt;
  if (reqs.length > 0 && reqs[0] <= end) {
    const recs = f.supplementReceivedAt;
    if (recs.length === 0 || recs[0] > end) return reqs[0];
  }
  return end;
}

/** On time at `end`: at most one supplement request up to E and E − S ≤ dueAt (the original due date),
 * S the closed supplement intervals (request → received, received ≤ E). */
export function isOnTimeFacts(f: DossierFacts, end: number): boolean {
  const e = onTimeEndOf(f, end);
  const reqs = f.supplementRequestedAt;
  const recs = f.supplementReceivedAt;
  let n = 0;
  let s = 0;
  for (let i = 0; i < reqs.length; i++) {
    const q = reqs[i];
    if (q > e) break;
    n++;
    if (i < recs.length && recs[i] <= e) s += recs[i] - q;
  }
  return n <= 1 && f.dueAt !== null && e - s <= f.dueAt;
}

/** The latest rating at or before asOf is unsatisfied. */
export function ratedUnsatisfied(f: DossierFacts, asOf: number): boolean {
  const r = f.ratings;
  for (let i = r.length - 1; i >= 0; i--) if (r[i].at <= asOf) return !r[i].satisfied;
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Counters, one row of NC Int32 per unit.

const C_RECEIVED = 0; // received in the period (1.4, 3.3, 6.2–6.4 denominators)
const C_SYNCED = 1;
const C_HANDLED = 2; // handled in the period (2.1, 5.3)
const C_ON_TIME = 3;
const C_ONLINE = 4;
const C_FEE = 5; // received in the period with a fee by asOf (4.3)
const C_FEE_PAID_ONLINE = 6;
const C_SATISFIED_ON_TIME = 7; // 5.3: neither late nor rated unsatisfied
const C_FINISHED_WRITTEN = 8; // finished in the period, procedure requires a written result (6.1)
const C_E_RESULT = 9;
const C_DIGITIZED = 10;
const C_REUSED = 11;
const C_PERSONAL_STORE = 12;
// Procedure counts (filled after the scan or on the first hit of a unit × procedure pair).
const C_PROCS = 13; // 3.1 den: the unit's procedures
const C_PROCS_ONLINE = 14; // 3.1 num, 3.2 den
const C_PROCS_ONLINE_HIT = 15; // 3.2 num
const C_PROCS_FEE = 16; // 4.1 den
const C_PROCS_FEE_HIT = 17; // 4.1 num
const C_PROCS_WITH_FEE_DOSSIER = 18; // 4.2 den (any procedure code)
const C_PROCS_PAID_ONLINE = 19; // 4.2 num
const NC = 20;

const F_ONLINE = 1; // ≥ 1 online dossier received in the period
const F_FEE = 2; // ≥ 1 dossier with a fee received in the period
const F_PAID = 4; // … and paid online

/** [numerator, denominator] counter of each tracked criterion. */
const COUNTERS: Readonly<Partial<Record<CriterionId, readonly [number, number]>>> = {
  '1.4': [C_SYNCED, C_RECEIVED],
  '2.1': [C_ON_TIME, C_HANDLED],
  '3.1': [C_PROCS_ONLINE, C_PROCS],
  '3.2': [C_PROCS_ONLINE_HIT, C_PROCS_ONLINE],
  '3.3': [C_ONLINE, C_RECEIVED],
  '4.1': [C_PROCS_FEE_HIT, C_PROCS_FEE],
  '4.2': [C_PROCS_PAID_ONLINE, C_PROCS_WITH_FEE_DOSSIER],
  '4.3': [C_FEE_PAID_ONLINE, C_FEE],
  '5.3': [C_SATISFIED_ON_TIME, C_HANDLED],
  '6.1': [C_E_RESULT, C_FINISHED_WRITTEN],
  '6.2': [C_DIGITIZED, C_RECEIVED],
  '6.3': [C_REUSED, C_RECEIVED],
  '6.4': [C_PERSONAL_STORE, C_RECEIVED],
};

// Explanations: dossier criteria in a fixed order (procedure criteria are listed after the scan).
const X_IDS: readonly CriterionId[] = ['1.4', '2.1', '3.3', '4.3', '5.3', '6.1', '6.2', '6.3', '6.4'];
const X_14 = 0;
const X_21 = 1;
const X_33 = 2;
const X_43 = 3;
const X_53 = 4;
const X_61 = 5;
const X_62 = 6;
const X_63 = 7;
const X_64 = 8;

type ExplainAcc = { num: string[]; lost: string[]; truncated: boolean };
const newAcc = (): ExplainAcc => ({ num: [], lost: [], truncated: false });

// ---------------------------------------------------------------------------------------------------

type CatalogueProcedure = {
  code: string;
  units: readonly string[];
  online: boolean;
  feeRequired: boolean;
};

/** The procedure as of `end`: the latest version effective at or before it (none: not in the catalogue). */
function procedureAt(p: ScorecardProcedureInput, end: number): CatalogueProcedure | null {
  if ('versions' in p) {
    let found: (typeof p.versions)[number] | null = null;
    for (const v of p.versions) if (instantMs(v.effectiveFrom, 'effectiveFrom') <= end) found = v;
    if (found === null) return null;
    return {
      code: p.code,
      units: found.units,
      online: found.onlineLevel !== 'none',
      feeRequired: found.feeRequired,
    };
  }
  return { code: p.code, units: p.units, online: p.onlineLevel !== 'none', feeRequired: p.feeRequired };
}

/** Display rounding (half up on the decimal value, immune to binary noise such as 1.005). */
const round = (x: number, digits: number): number =>
  Math.round(Number(`${x.toPrecision(12)}e${digits}`)) / 10 ** digits;
const round2 = (x: number): number => round(x, 2);

/** Totals equal up to float noise (sums of the same scores in another order) are ties. */
const TIE = 1e-9;

type Built = ScoreRow & { rawTotal: number; raw21: number | null };

function buildRow(
  method: ScoringMethod,
  counts: Int32Array,
  base: number,
  explain: ((id: CriterionId) => CriterionExplanation | undefined) | null,
): Built {
  let total = 0;
  let maxWithoutData = 0;
  let anyData = false;
  let raw21: number | null = null;
  const groups: GroupResult[] = [];
  for (const g of method.groups) {
    let groupScore: number | null = null;
    const criteria: CriterionResult[] = [];
    for (const c of g.criteria) {
      let numerator: number | null = null;
      let denominator: number | null = null;
      let ratio: number | null = null;
      let score: number | null = null;
      if (c.tracked) {
        const k = COUNTERS[c.id];
        if (!k)
          throw new DomainError('UNKNOWN_CRITERION', 'rule', `method ${method.id}: no rule counts ${c.id}`);
        numerator = counts[base + k[0]];
        denominator = counts[base + k[1]];
        if (denominator > 0) {
          ratio = numerator / denominator;
          score = shapeScore(c, ratio);
        } else if (c.whenEmpty === 'max') {
          score = c.max;
        }
      }
      if (score === null) maxWithoutData += c.max;
      else {
        anyData = true;
        total += score;
        groupScore = (groupScore ?? 0) + score;
      }
      if (c.id === '2.1') raw21 = score;
      const result: CriterionResult = {
        id: c.id,
        numerator,
        denominator,
        ratio: ratio === null ? null : round(ratio, 4),
        score: score === null ? null : round2(score),
        max: c.max,
      };
      const x = c.tracked && explain ? explain(c.id) : undefined;
      if (x) result.explain = x;
      criteria.push(result);
    }
    groups.push({ id: g.id, score: groupScore === null ? null : round2(groupScore), max: g.max, criteria });
  }
  const shown = round2(total);
  return {
    total: shown,
    maxWithoutData: round2(maxWithoutData),
    band: anyData ? bandOf(method, shown) : null,
    groups,
    rawTotal: total,
    raw21,
  };
}

/**
 * The scorecard of `period` as it stood at `asOf` (SCORING.md, method `input.method`). Pure: the caller
 * passes "now" as asOf when the request names none. Rows for units of `level` (all levels if omitted),
 * ranked within their level; the province row over all units.
 */
export function computeScorecard(input: ComputeScorecardInput): Scorecard {
  const { method } = input;
  const asOf = typeof input.asOf === 'number' ? input.asOf : instantMs(input.asOf, 'asOf');
  const w: PeriodWindow = periodWindow(input.period, asOf);
  const { start, end } = w;

  // Units.
  const units = input.units;
  const nUnits = units.length;
  const unitIndex = new Map<string, number>();
  units.forEach((u, i) => {
    if (unitIndex.has(u.unitId))
      throw new DomainError('DUPLICATE_UNIT', 'rule', `unit ${u.unitId} listed twice`);
    unitIndex.set(u.unitId, i);
  });
  const P = nUnits; // the province's counter row
  const counts = new Int32Array((nUnits + 1) * NC);

  // Catalogue procedures as of the period's end; codes met only in dossiers are appended during the scan.
  const procCodes: string[] = [];
  const procIndex = new Map<string, number>();
  const catalogue: (CatalogueProcedure | null)[] = [];
  const procUnitIdx: number[][] = [];
  for (const p of input.procedures) {
    const v = procedureAt(p, end);
    if (v === null || procIndex.has(p.code)) continue;
    procIndex.set(p.code, procCodes.length);
    procCodes.push(p.code);
    catalogue.push(v);
    const idx: number[] = [];
    for (const id of v.units) {
      const u = unitIndex.get(id);
      if (u !== undefined && !idx.includes(u)) idx.push(u);
    }
    procUnitIdx.push(idx);
    counts[P * NC + C_PROCS]++;
    if (v.online) counts[P * NC + C_PROCS_ONLINE]++;
    if (v.feeRequired) counts[P * NC + C_PROCS_FEE]++;
    for (const u of idx) {
      counts[u * NC + C_PROCS]++;
      if (v.online) counts[u * NC + C_PROCS_ONLINE]++;
      if (v.feeRequired) counts[u * NC + C_PROCS_FEE]++;
    }
  }
  // flags of (procedure p, unit u) at p * nUnits + u; of the province's procedure p at provFlags[p].
  let cap = Math.max(16, procCodes.length * 2);
  let pairFlags = new Uint8Array(cap * Math.max(1, nUnits));
  let provFlags = new Uint8Array(cap);
  const procOf = (code: string): number => {
    let p = procIndex.get(code);
    if (p === undefined) {
      p = procCodes.length;
      procIndex.set(code, p);
      procCodes.push(code);
      catalogue.push(null);
      procUnitIdx.push([]);
      if (p >= cap) {
        cap *= 2;
        const pf = new Uint8Array(cap * Math.max(1, nUnits));
        pf.set(pairFlags);
        pairFlags = pf;
        const vf = new Uint8Array(cap);
        vf.set(provFlags);
        provFlags = vf;
      }
    }
    return p;
  };
  /** Set a flag on (p, u) and on p for the province, counting first hits. */
  const hit = (p: number, u: number, flag: number): void => {
    const i = p * nUnits + u;
    const before = pairFlags[i];
    if ((before & flag) === 0) {
      pairFlags[i] = before | flag;
      const v = catalogue[p];
      const listed = v !== null && procUnitIdx[p].includes(u);
      const b = u * NC;
      if (flag === F_ONLINE) {
        if (listed && v.online) counts[b + C_PROCS_ONLINE_HIT]++;
      } else if (flag === F_FEE) {
        counts[b + C_PROCS_WITH_FEE_DOSSIER]++;
        if (listed && v.feeRequired) counts[b + C_PROCS_FEE_HIT]++;
      } else counts[b + C_PROCS_PAID_ONLINE]++;
    }
    const pb = provFlags[p];
    if ((pb & flag) === 0) {
      provFlags[p] = pb | flag;
      const v = catalogue[p];
      const b = P * NC;
      if (flag === F_ONLINE) {
        if (v !== null && v.online) counts[b + C_PROCS_ONLINE_HIT]++;
      } else if (flag === F_FEE) {
        counts[b + C_PROCS_WITH_FEE_DOSSIER]++;
        if (v !== null && v.feeRequired) counts[b + C_PROCS_FEE_HIT]++;
      } else counts[b + C_PROCS_PAID_ONLINE]++;
    }
  };

  // Which units get a row.
  const only = input.onlyUnitIds ? new Set(input.onlyUnitIds) : null;
  const shown = units.map(
    (u) => (input.level === undefined || u.level === input.level) && (!only || only.has(u.unitId)),
  );

  // Explanations, for the shown units only.
  const limit = input.explainLimit ?? 100;
  const explainAcc: (ExplainAcc[] | null)[] | null = input.explain
    ? units.map((_, i) => (shown[i] ? X_IDS.map(newAcc) : null))
    : null;
  const note = (acc: ExplainAcc, code: string, inNumerator: boolean): void => {
    const list = inNumerator ? acc.num : acc.lost;
    if (list.length < limit) list.push(code);
    else acc.truncated = true;
  };

  // The scan.
  const visit = (f: DossierFacts): void => {
    const r = f.receivedAt;
    if (r === null || r > end) return;
    const fin = f.finishedAt;
    const receivedIn = r >= start;
    const handled = fin === null || fin >= start;
    if (!handled && !receivedIn) return;
    const u = unitIndex.get(f.unitId);
    if (u === undefined) return;
    const b = u * NC;
    const x = explainAcc === null ? null : explainAcc[u];

    if (handled) {
      counts[b + C_HANDLED]++;
      const onTime = isOnTimeFacts(f, end);
      const ok53 = onTime && !ratedUnsatisfied(f, asOf);
      if (onTime) counts[b + C_ON_TIME]++;
      if (ok53) counts[b + C_SATISFIED_ON_TIME]++;
      if (fin !== null && fin <= end && f.requiresWrittenResult) {
        counts[b + C_FINISHED_WRITTEN]++;
        const e = f.eResultAt !== null && f.eResultAt <= asOf;
        if (e) counts[b + C_E_RESULT]++;
        if (x !== null) note(x[X_61], f.code, e);
      }
      if (x !== null) {
        note(x[X_21], f.code, onTime);
        note(x[X_53], f.code, ok53);
      }
    }
    if (receivedIn) {
      counts[b + C_RECEIVED]++;
      const synced = f.syncedAt !== null && f.syncedAt <= asOf;
      const digitized = f.digitizedAt !== null && f.digitizedAt <= asOf;
      const reused = f.reusedAt !== null && f.reusedAt <= asOf;
      const personal = f.personalStoreAt !== null && f.personalStoreAt <= asOf;
      if (synced) counts[b + C_SYNCED]++;
      if (digitized) counts[b + C_DIGITIZED]++;
      if (reused) counts[b + C_REUSED]++;
      if (personal) counts[b + C_PERSONAL_STORE]++;
      const fee = f.feeAt !== null && f.feeAt <= asOf;
      if (f.online || fee) {
        const p = procOf(f.procedureCode);
        if (f.online) {
          counts[b + C_ONLINE]++;
          hit(p, u, F_ONLINE);
        }
        if (fee) {
          counts[b + C_FEE]++;
          hit(p, u, F_FEE);
          if (f.paidOnlineAt !== null && f.paidOnlineAt <= asOf) {
            counts[b + C_FEE_PAID_ONLINE]++;
            hit(p, u, F_PAID);
          }
        }
      }
      if (x !== null) {
        note(x[X_14], f.code, synced);
        note(x[X_33], f.code, f.online);
        note(x[X_62], f.code, digitized);
        note(x[X_63], f.code, reused);
        note(x[X_64], f.code, personal);
        if (fee) note(x[X_43], f.code, f.paidOnlineAt !== null && f.paidOnlineAt <= asOf);
      }
    }
  };
  const facts = input.facts;
  if (Array.isArray(facts)) {
    const arr = facts as readonly DossierFacts[];
    for (let i = 0; i < arr.length; i++) visit(arr[i]);
  } else {
    for (const f of facts) visit(f);
  }

  // The province's dossier counts are its units' sums (every counted dossier belongs to one unit).
  for (let u = 0; u < nUnits; u++) {
    for (let k = 0; k <= C_PERSONAL_STORE; k++) counts[P * NC + k] += counts[u * NC + k];
  }

  // Explanations of procedure criteria (codes in catalogue order).
  const procedureExplanation = (u: number, id: CriterionId): CriterionExplanation | undefined => {
    const acc = newAcc();
    for (let p = 0; p < procCodes.length; p++) {
      const v = catalogue[p];
      const listed = v !== null && procUnitIdx[p].includes(u);
      const fl = pairFlags[p * nUnits + u];
      if (id === '3.1' && listed) note(acc, procCodes[p], v.online);
      else if (id === '3.2' && listed && v.online) note(acc, procCodes[p], (fl & F_ONLINE) !== 0);
      else if (id === '4.1' && listed && v.feeRequired) note(acc, procCodes[p], (fl & F_FEE) !== 0);
      else if (id === '4.2' && (fl & F_FEE) !== 0) note(acc, procCodes[p], (fl & F_PAID) !== 0);
    }
    return { kind: 'procedure', numerator: acc.num, lost: acc.lost, truncated: acc.truncated };
  };
  const explainerOf = (u: number): ((id: CriterionId) => CriterionExplanation | undefined) | null => {
    const accs = explainAcc === null ? null : explainAcc[u];
    if (accs === null) return null;
    return (id) => {
      const k = X_IDS.indexOf(id);
      if (k < 0) return procedureExplanation(u, id);
      const a = accs[k];
      return { kind: 'dossier', numerator: a.num, lost: a.lost, truncated: a.truncated };
    };
  };

  // Rows and ranks (within each level, over all its units, whether shown or not).
  const built = units.map((u, i) => ({
    u,
    i,
    row: buildRow(method, counts, i * NC, shown[i] ? explainerOf(i) : null),
  }));
  const byRank = (a: (typeof built)[number], b: (typeof built)[number]): number => {
    const dt = b.row.rawTotal - a.row.rawTotal;
    if (Math.abs(dt) > TIE) return dt;
    const d21 = (b.row.raw21 ?? -1) - (a.row.raw21 ?? -1);
    if (Math.abs(d21) > TIE) return d21;
    return a.u.unitId < b.u.unitId ? -1 : a.u.unitId > b.u.unitId ? 1 : 0;
  };
  const rows: UnitScore[] = [];
  const levels: readonly UnitLevel[] = [...UNIT_LEVELS, ...new Set(units.map((u) => u.level))].filter(
    (l, i, all) => all.indexOf(l) === i,
  );
  for (const level of levels) {
    const ranked = built.filter((b) => b.u.level === level).sort(byRank);
    ranked.forEach((b, k) => {
      if (!shown[b.i]) return;
      const { rawTotal: _t, raw21: _r, ...row } = b.row;
      rows.push({ unitId: b.u.unitId, name: b.u.name, level: b.u.level, rank: k + 1, ...row });
    });
  }

  const { rawTotal: _t, raw21: _r, ...provinceRow } = buildRow(method, counts, P * NC, null);
  const province: ProvinceScore = {
    unitId: 'province',
    name: input.provinceName ?? 'province',
    level: 'province',
    ...provinceRow,
  };

  return { period: w.id, method: method.id, asOf: instantFromMs(asOf), units: rows, province };
}
