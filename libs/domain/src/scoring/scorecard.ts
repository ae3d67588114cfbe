// computeScorecard: SCORING.md evaluated over the dossiers' facts. One pass over the facts with plain
// loops into typed counters (no allocation per dossier), then the method's configuration turns the
// counts into scores. The province row sums its units' dossier counts (aggregated, not averaged) and
// counts distinct catalogue procedures itself.
import { UNIT_LEVELS, type ProcedureVersion, type UnitLevel } from '../catalogue';
import { DomainError } from '../core/event-sourcing.types';
import { instantFromMs, instantMs, startOfDayMs } from '../calendar/instant';
import { isOnTimeFacts, isOnTimeOneRound } from '../dossier/dossier.on-time';
import type { DossierFacts } from './dossier-facts';
import {
  FactsTable,
  TF_LAST_UNSATISFIED,
  TF_ONLINE,
  TF_RATINGS,
  TF_IDENTIFIED,
  TF_SUPPLEMENTS,
  TF_WRITTEN_RESULT,
  G_DIGITIZED,
  G_E_RESULT,
  G_FEE,
  G_ON_TIME_FINISHED,
  G_PAID_ONLINE,
  G_PERSONAL_STORE,
  G_REUSED,
  G_SYNCED,
  type SubjectMark,
} from './facts-table';
import { PUBLIC_COMPONENTS } from '../catalogue';
import { madePublicOnTimeAt } from '../publication/publication-facts';
import {
  feedbackHandledIn,
  feedbackOnTimeAt,
  feedbackOnTimeMs,
  markedRepeatAt,
  ratedUnsatisfiedAt,
  type FeedbackFacts,
} from '../feedback/feedback-facts';
import { FB_LAST_UNSATISFIED, FB_RATINGS, FeedbackTable } from './feedback-table';
import { periodWindow, type PeriodWindow } from './periods';
import type {
  ComputeScorecardInput,
  CriterionExplanation,
  CriterionResult,
  GroupResult,
  ProvinceScore,
  Scorecard,
  ScorecardProcedureInput,
  ScorecardUnitInput,
  ScoreRow,
  UnitScore,
} from './scorecard.types';
import { bandOf, shapeScore, type CriterionId, type ScoringMethod } from './scoring-method';

// The on-time rule (SCORING.md "On time") lives in dossier/dossier.on-time.ts; the scan calls it on facts.
export { isOnTimeFacts, onTimeEndOf } from '../dossier/dossier.on-time';

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
// v2.
const C_IDENTIFIED = 20; // received in the period, identified through VNeID / population database (6.5b)
const C_PROCS_CITIZEN = 21; // 6.5c den: the unit's procedures for citizens
const C_PROCS_CITIZEN_HIT = 22; // 6.5c num
const C_PUB = 23; // 1.1, 1.2 den: procedures published in the period
const C_PUB_ON_TIME = 24; // 1.1 num
const C_PUB_MADE_PUBLIC = 25; // 1.2 num
const C_PUBLIC = 26; // 1.3 den: the unit's public procedures at end
const C_PUBLIC_FULL = 27; // 1.3 num: … with all seven components public
const C_COMMUNES = 28; // 6.5a den
const C_COMMUNES_ECOPY = 29; // 6.5a num
const C_FB_HANDLED = 30; // 5.1 den
const C_FB_ON_TIME = 31; // 5.1 num
const C_FB_RECEIVED = 32; // 5.2 den
const C_FB_OK = 33; // 5.2 num
const NC = 34;
/** Dossier and feedback counters: the province row is its units' sum. */
const SUMMED: readonly number[] = [
  C_RECEIVED,
  C_SYNCED,
  C_HANDLED,
  C_ON_TIME,
  C_ONLINE,
  C_FEE,
  C_FEE_PAID_ONLINE,
  C_SATISFIED_ON_TIME,
  C_FINISHED_WRITTEN,
  C_E_RESULT,
  C_DIGITIZED,
  C_REUSED,
  C_PERSONAL_STORE,
  C_IDENTIFIED,
  C_FB_HANDLED,
  C_FB_ON_TIME,
  C_FB_RECEIVED,
  C_FB_OK,
];

const F_ONLINE = 1; // ≥ 1 online dossier received in the period
const F_FEE = 2; // ≥ 1 dossier with a fee received in the period
const F_PAID = 4; // … and paid online
const F_IDENT = 8; // ≥ 1 dossier received in the period whose applicant was identified (6.5c)

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
  '1.1': [C_PUB_ON_TIME, C_PUB],
  '1.2': [C_PUB_MADE_PUBLIC, C_PUB],
  '1.3': [C_PUBLIC_FULL, C_PUBLIC],
  '5.1': [C_FB_ON_TIME, C_FB_HANDLED],
  '5.2': [C_FB_OK, C_FB_RECEIVED],
  '6.5a': [C_COMMUNES_ECOPY, C_COMMUNES],
  '6.5b': [C_IDENTIFIED, C_RECEIVED],
  '6.5c': [C_PROCS_CITIZEN_HIT, C_PROCS_CITIZEN],
};

// Explanations: dossier criteria in a fixed order (procedure criteria are listed after the scan).
const X_IDS: readonly CriterionId[] = ['1.4', '2.1', '3.3', '4.3', '5.3', '6.1', '6.2', '6.3', '6.4', '6.5b'];
const X_14 = 0;
const X_21 = 1;
const X_33 = 2;
const X_43 = 3;
const X_53 = 4;
const X_61 = 5;
const X_62 = 6;
const X_63 = 7;
const X_64 = 8;
const X_65B = 9;

type ExplainAcc = { num: string[]; lost: string[]; truncated: boolean };
const newAcc = (): ExplainAcc => ({ num: [], lost: [], truncated: false });

// ---------------------------------------------------------------------------------------------------

type CatalogueProcedure = {
  code: string;
  units: readonly string[];
  online: boolean;
  feeRequired: boolean;
  forCitizens: boolean;
  /** All seven components public (1.3). */
  allComponents: boolean;
};

const allSeven = (components: readonly string[] | undefined): boolean =>
  components !== undefined && PUBLIC_COMPONENTS.every((c) => components.includes(c));

/** Each version's effectiveFrom in epoch ms, parsed once per list: version lists are immutable (a new
 * version makes a new list) and the catalogue hands the same ones to scorecard after scorecard, which look
 * them up for every procedure and every publication item. */
const effectiveFromMs = new WeakMap<readonly ProcedureVersion[], readonly number[]>();

function effectiveFromOf(versions: readonly ProcedureVersion[]): readonly number[] {
  let ms = effectiveFromMs.get(versions);
  if (ms === undefined) {
    ms = versions.map((v) => instantMs(v.effectiveFrom, 'effectiveFrom'));
    effectiveFromMs.set(versions, ms);
  }
  return ms;
}

/** The latest version effective at or before `end`, or null. */
function versionAt(versions: readonly ProcedureVersion[], end: number): ProcedureVersion | null {
  let found: ProcedureVersion | null = null;
  const from = effectiveFromOf(versions);
  for (let k = 0; k < from.length; k++) if (from[k] <= end) found = versions[k];
  return found;
}

/** The units procedureAt(p, at) lists (null: not in the catalogue then), without building the rest. */
function unitsAt(p: ScorecardProcedureInput, at: number): readonly string[] | null {
  if (!('versions' in p)) return p.units;
  return versionAt(p.versions, at)?.units ?? null;
}

/** The procedure as of `end`: the latest version effective at or before it (none: not in the catalogue). */
function procedureAt(p: ScorecardProcedureInput, end: number): CatalogueProcedure | null {
  if ('versions' in p) {
    const found = versionAt(p.versions, end);
    if (found === null) return null;
    return {
      code: p.code,
      units: found.units,
      online: found.onlineLevel !== 'none',
      feeRequired: found.feeRequired,
      forCitizens: found.forCitizens ?? true,
      allComponents: allSeven(found.publicComponents),
    };
  }
  return {
    code: p.code,
    units: p.units,
    online: p.onlineLevel !== 'none',
    feeRequired: p.feeRequired,
    forCitizens: p.forCitizens ?? true,
    allComponents: allSeven(p.publicComponents),
  };
}

/** Display rounding (half up on the decimal value, immune to binary noise such as 1.005). */
const round = (x: number, digits: number): number => {
  const scale = 10 ** digits;
  const y = x * scale;
  // Far from a half (and with y small enough that 12 digits are well below 1e-6), the product rounds as the
  // decimal value does: only near-ties need the exact decimal path (every score and ratio here is < 1e4).
  if (Math.abs(y) < 1e4 && Math.abs(y - Math.floor(y) - 0.5) > 1e-6) return Math.round(y) / scale;
  return Math.round(Number(`${x.toPrecision(12)}e${digits}`)) / scale;
};
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

const byAsOf = (at: number | null | undefined, asOf: number): boolean => at != null && at <= asOf;

/**
 * The one pass over the facts. A class, not closures: its methods keep one identity across calls, so the
 * optimizing compiler's inlining of `tally` into the loops survives from one scorecard to the next.
 * Instants enter `tally` as numbers, NaN for none (every comparison with NaN is false); those judged "by
 * asOf" as the G_* bits of the ones at or before it.
 */
class Scan {
  /** Row u * NC per unit; row nUnits is the province. */
  readonly counts: Int32Array;
  /** Catalogue procedures as of the period's end; codes met only in dossiers are appended. */
  readonly procCodes: string[] = [];
  readonly catalogue: (CatalogueProcedure | null)[] = [];
  readonly procUnitIdx: number[][] = [];
  private readonly procIndex = new Map<string, number>();
  private cap = 64;
  /** Flags of (procedure p, unit u) at p * nUnits + u; of the province's procedure p at provFlags[p]. */
  pairFlags: Uint8Array;
  private provFlags: Uint8Array;
  explainAcc: (ExplainAcc[] | null)[] | null = null;

  constructor(
    private readonly start: number,
    private readonly end: number,
    private readonly asOf: number,
    private readonly unitIndex: ReadonlyMap<string, number>,
    private readonly nUnits: number,
    readonly limit: number,
  ) {
    this.counts = new Int32Array((nUnits + 1) * NC);
    this.pairFlags = new Uint8Array(this.cap * Math.max(1, nUnits));
    this.provFlags = new Uint8Array(this.cap);
  }

  addProcedure(v: CatalogueProcedure): void {
    if (this.procIndex.has(v.code)) return;
    const p = this.procOf(v.code);
    this.catalogue[p] = v;
    const idx: number[] = [];
    for (const id of v.units) {
      const u = this.unitIndex.get(id);
      if (u !== undefined && !idx.includes(u)) idx.push(u);
    }
    this.procUnitIdx[p] = idx;
    const c = this.counts;
    for (const b of [this.nUnits * NC, ...idx.map((u) => u * NC)]) {
      c[b + C_PROCS]++;
      if (v.online) c[b + C_PROCS_ONLINE]++;
      if (v.feeRequired) c[b + C_PROCS_FEE]++;
      if (v.forCitizens) c[b + C_PROCS_CITIZEN]++;
    }
  }

  procOf(code: string): number {
    let p = this.procIndex.get(code);
    if (p === undefined) {
      p = this.procCodes.length;
      this.procIndex.set(code, p);
      this.procCodes.push(code);
      this.catalogue.push(null);
      this.procUnitIdx.push([]);
      if (p >= this.cap) {
        this.cap *= 2;
        const pf = new Uint8Array(this.cap * Math.max(1, this.nUnits));
        pf.set(this.pairFlags);
        this.pairFlags = pf;
        const vf = new Uint8Array(this.cap);
        vf.set(this.provFlags);
        this.provFlags = vf;
      }
    }
    return p;
  }

  /** Set a flag on (p, u) and on p for the province, counting first hits. */
  private hit(p: number, u: number, flag: number): void {
    const c = this.counts;
    const i = p * this.nUnits + u;
    const before = this.pairFlags[i];
    if ((before & flag) === 0) {
      this.pairFlags[i] = before | flag;
      const v = this.catalogue[p];
      const listed = v !== null && this.procUnitIdx[p].includes(u);
      const b = u * NC;
      if (flag === F_ONLINE) {
        if (listed && v.online) c[b + C_PROCS_ONLINE_HIT]++;
      } else if (flag === F_FEE) {
        c[b + C_PROCS_WITH_FEE_DOSSIER]++;
        if (listed && v.feeRequired) c[b + C_PROCS_FEE_HIT]++;
      } else if (flag === F_IDENT) {
        if (listed && v.forCitizens) c[b + C_PROCS_CITIZEN_HIT]++;
      } else c[b + C_PROCS_PAID_ONLINE]++;
    }
    const pb = this.provFlags[p];
    if ((pb & flag) === 0) {
      this.provFlags[p] = pb | flag;
      const v = this.catalogue[p];
      const b = this.nUnits * NC;
      if (flag === F_ONLINE) {
        if (v !== null && v.online) c[b + C_PROCS_ONLINE_HIT]++;
      } else if (flag === F_FEE) {
        // The province's procedure criteria count distinct catalogue procedures (SCORING.md, "Totals"):
        // unlike a unit's 4.2, a code the catalogue does not hold at `end` is not the province's.
        if (v !== null) c[b + C_PROCS_WITH_FEE_DOSSIER]++;
        if (v !== null && v.feeRequired) c[b + C_PROCS_FEE_HIT]++;
      } else if (flag === F_IDENT) {
        if (v !== null && v.forCitizens) c[b + C_PROCS_CITIZEN_HIT]++;
      } else if (v !== null) c[b + C_PROCS_PAID_ONLINE]++;
    }
  }

  /** 5.3 (v2): dossier code → earliest first receipt of a feedback item naming it; null: clause off. */
  subjects: ReadonlyMap<string, number> | null = null;
  /** 5.3 (v2) over a FactsTable: its subjectAt column. */
  subjectColumn = false;

  isSubject(code: string): boolean {
    const at = this.subjects!.get(code);
    return at !== undefined && at <= this.end;
  }

  note(acc: ExplainAcc, code: string, inNumerator: boolean): void {
    // Every code is kept and the lists are cut after sorting (capped()), so they do not depend on the
    // order in which the facts happen to sit in memory.
    (inNumerator ? acc.num : acc.lost).push(code);
  }

  scanTable(t: FactsTable): void {
    const { start, end } = this;
    const procMap = new Int32Array(t.procedureCodes.length).fill(-1);
    const unitOf = Int32Array.from(t.unitIds, (id) => this.unitIndex.get(id) ?? -1);
    const c = t.columns;
    const { receivedAt, finishedAt, dueAt } = c;
    const { unit, procedure, flags, codes, asOfAt, got: gotAt } = t;
    const { supplement1RequestedAt: req1, supplement1ReceivedAt: rec1, lastRatingAt } = c;
    const asOf = this.asOf;
    const explaining = this.explainAcc !== null;
    const subjectAt = this.subjectColumn ? c.subjectAt : null;
    // Only the rows the table's period index names: received by `end`, not finished before `start`.
    for (const bucket of t.candidates(start, end)) {
      const rows = bucket.rows;
      for (let k = 0, n = bucket.n; k < n; k++) {
        const i = rows[k];
        const r = receivedAt[i];
        if (!(r <= end)) continue; // also skips NaN: not received
        const fin = finishedAt[i];
        if (fin < start && r < start) continue;
        const u = unitOf[unit[i]];
        if (u < 0) continue;
        const tp = procedure[i];
        let p = procMap[tp];
        if (p < 0) p = procMap[tp] = this.procOf(t.procedureCodes[tp]);
        const fl = flags[i];
        const derived = gotAt[i];
        // Every "by asOf" instant of the row is at or before asOf: its set ones are what it got.
        const allByAsOf = asOfAt[i] <= asOf;
        let onTime = false;
        let ok53 = false;
        if (!(fin < start)) {
          if (fin <= end) onTime = (derived & G_ON_TIME_FINISHED) !== 0;
          else if ((fl & TF_SUPPLEMENTS) !== 0) onTime = isOnTimeFacts(t.details(i), end);
          else {
            // At most one round: SCORING.md's rule on the first round's columns.
            onTime = isOnTimeOneRound(fin, req1[i], rec1[i], end, dueAt[i]);
          }
          if (onTime) {
            ok53 =
              allByAsOf || lastRatingAt[i] <= asOf
                ? (fl & TF_LAST_UNSATISFIED) === 0
                : (fl & TF_RATINGS) === 0 || !ratedUnsatisfied(t.details(i), asOf);
            if (ok53 && subjectAt !== null && subjectAt[i] <= end) ok53 = false;
          }
        }
        let got = derived;
        if (!allByAsOf && !(r < start)) {
          got =
            (c.syncedAt[i] <= asOf ? G_SYNCED : 0) |
            (c.digitizedAt[i] <= asOf ? G_DIGITIZED : 0) |
            (c.reusedAt[i] <= asOf ? G_REUSED : 0) |
            (c.personalStoreAt[i] <= asOf ? G_PERSONAL_STORE : 0) |
            (c.eResultAt[i] <= asOf ? G_E_RESULT : 0) |
            (c.paidOnlineAt[i] <= asOf ? G_PAID_ONLINE : 0) |
            (c.feeAt[i] <= asOf ? G_FEE : 0);
        } else if (!allByAsOf) got = c.eResultAt[i] <= asOf ? G_E_RESULT : 0;
        this.tally(u, explaining ? codes[i] : '', '', p, r, fin, fl, onTime, ok53, got);
      }
    }
  }

  scanArray(facts: readonly DossierFacts[]): void {
    for (let i = 0; i < facts.length; i++) this.visit(facts[i]);
  }

  visit(f: DossierFacts): void {
    const r = f.receivedAt;
    if (r === null || r > this.end) return;
    const fin = f.finishedAt ?? NaN;
    if (fin < this.start && r < this.start) return;
    const u = this.unitIndex.get(f.unitId);
    if (u === undefined) return;
    const flags =
      (f.online ? TF_ONLINE : 0) |
      (f.requiresWrittenResult ? TF_WRITTEN_RESULT : 0) |
      (f.identified === true ? TF_IDENTIFIED : 0);
    const onTime = !(fin < this.start) && isOnTimeFacts(f, this.end);
    const ok53 =
      onTime && !ratedUnsatisfied(f, this.asOf) && (this.subjects === null || !this.isSubject(f.code));
    const asOf = this.asOf;
    const got =
      (byAsOf(f.syncedAt, asOf) ? G_SYNCED : 0) |
      (byAsOf(f.digitizedAt, asOf) ? G_DIGITIZED : 0) |
      (byAsOf(f.reusedAt, asOf) ? G_REUSED : 0) |
      (byAsOf(f.personalStoreAt, asOf) ? G_PERSONAL_STORE : 0) |
      (byAsOf(f.eResultAt, asOf) ? G_E_RESULT : 0) |
      (byAsOf(f.paidOnlineAt, asOf) ? G_PAID_ONLINE : 0) |
      (byAsOf(f.feeAt, asOf) ? G_FEE : 0);
    this.tally(u, f.code, f.procedureCode, -1, r, fin, flags, onTime, ok53, got);
  }

  /** One dossier that is received in the period or handled in it, judged on time (`onTime`) and neither
   * late nor rated unsatisfied (`ok53`) by the caller, with the G_* bits of its instants at or before asOf
   * (`got`; bit G_ON_TIME_FINISHED is ignored). `p` is its procedure's index, or -1 to look it up by
   * `procedureCode` (only when needed). */
  private tally(
    u: number,
    code: string,
    procedureCode: string,
    p: number,
    r: number,
    fin: number,
    flags: number,
    onTime: boolean,
    ok53: boolean,
    got: number,
  ): void {
    const { start, end, counts } = this;
    const b = u * NC;
    const x = this.explainAcc === null ? null : this.explainAcc[u];
    const finishedByEnd = fin <= end;

    if (!(fin < start)) {
      // handled in the period
      counts[b + C_HANDLED]++;
      if (onTime) counts[b + C_ON_TIME]++;
      if (ok53) counts[b + C_SATISFIED_ON_TIME]++;
      if (finishedByEnd && (flags & TF_WRITTEN_RESULT) !== 0) {
        counts[b + C_FINISHED_WRITTEN]++;
        const e = (got & G_E_RESULT) !== 0;
        if (e) counts[b + C_E_RESULT]++;
        if (x !== null) this.note(x[X_61], code, e);
      }
      if (x !== null) {
        this.note(x[X_21], code, onTime);
        this.note(x[X_53], code, ok53);
      }
    }
    if (r >= start) {
      // received in the period
      counts[b + C_RECEIVED]++;
      const synced = (got & G_SYNCED) !== 0;
      const digitized = (got & G_DIGITIZED) !== 0;
      const reused = (got & G_REUSED) !== 0;
      const personal = (got & G_PERSONAL_STORE) !== 0;
      if (synced) counts[b + C_SYNCED]++;
      if (digitized) counts[b + C_DIGITIZED]++;
      if (reused) counts[b + C_REUSED]++;
      if (personal) counts[b + C_PERSONAL_STORE]++;
      const online = (flags & TF_ONLINE) !== 0;
      const fee = (got & G_FEE) !== 0;
      const paid = fee && (got & G_PAID_ONLINE) !== 0;
      const identified = (flags & TF_IDENTIFIED) !== 0;
      if (identified) counts[b + C_IDENTIFIED]++;
      if (online || fee || identified) {
        const pi = p >= 0 ? p : this.procOf(procedureCode);
        if (online) counts[b + C_ONLINE]++;
        if (fee) counts[b + C_FEE]++;
        if (paid) counts[b + C_FEE_PAID_ONLINE]++;
        const want =
          (identified ? F_IDENT : 0) | (online ? F_ONLINE : 0) | (fee ? F_FEE : 0) | (paid ? F_PAID : 0);
        // Most rows find every flag already set, for their unit and for the province: one test for all.
        if ((want & ~(this.pairFlags[pi * this.nUnits + u] & this.provFlags[pi])) !== 0) {
          if (identified) this.hit(pi, u, F_IDENT);
          if (online) this.hit(pi, u, F_ONLINE);
          if (fee) this.hit(pi, u, F_FEE);
          if (paid) this.hit(pi, u, F_PAID);
        }
      }
      if (x !== null) {
        this.note(x[X_14], code, synced);
        this.note(x[X_33], code, online);
        this.note(x[X_62], code, digitized);
        this.note(x[X_63], code, reused);
        this.note(x[X_64], code, personal);
        this.note(x[X_65B], code, identified);
        if (fee) this.note(x[X_43], code, paid);
      }
    }
  }
}

/** Explained criteria counted outside the dossier scan, and what their lists name. */
const OTHER_KIND: Partial<Record<CriterionId, CriterionExplanation['kind']>> = {
  '1.1': 'procedure',
  '1.2': 'procedure',
  '1.3': 'procedure',
  '5.1': 'feedback',
  '5.2': 'feedback',
  '6.5a': 'unit',
};

type NoteOther = (u: number, id: CriterionId, code: string, inNumerator: boolean) => void;

/**
 * 1.1 and 1.2 (SCORING.md "Procedure publication", v2): each procedure published in the period counts once
 * for each unit the catalogue lists for it on the decision's day (the province: once), on time when every
 * such decision of the period was; 1.3: the procedures public at `end` with all seven components public.
 */
function countPublications(
  input: ComputeScorecardInput,
  scan: Scan,
  counts: Int32Array,
  unitIndex: ReadonlyMap<string, number>,
  start: number,
  end: number,
  noteOther: NoteOther,
): void {
  const items = input.publications ?? [];
  const P = unitIndex.size;
  const byCode = new Map(input.procedures.map((p) => [p.code, p]));
  // 1.1 / 1.2: [decided on time, made public on time] per unit × procedure (unit P: the province), keyed
  // by the code's index among those met (codeIndex) times P + 1, plus the unit.
  const codeIndex = new Map<string, number>();
  const verdicts = new Map<number, { u: number; code: string; decided: boolean; madePublic: boolean }>();
  const judge = (u: number, k: number, code: string, decided: boolean, madePublic: boolean): void => {
    const key = k * (P + 1) + u;
    const v = verdicts.get(key);
    if (v === undefined) verdicts.set(key, { u, code, decided, madePublic });
    else {
      v.decided &&= decided;
      v.madePublic &&= madePublic;
    }
  };
  // 1.3, per code: the latest decision (by decidedOn) that did not abolish it and was made public by end,
  // and the latest abolition. "Not abolished since" is since that decision: an abolition takes effect on
  // its decidedOn, so an item made public after its procedure was abolished (published and abolished the
  // same day included: zero-length validity) does not make it public again; on the same day the
  // abolition wins.
  const publicSince = new Map<string, number>();
  const abolishedAt = new Map<string, number>();
  for (const it of items) {
    if (it.decidedAt > end) continue;
    if (it.change === 'abolished') {
      abolishedAt.set(
        it.procedureCode,
        Math.max(abolishedAt.get(it.procedureCode) ?? -Infinity, it.decidedAt),
      );
    } else if (it.madePublicAt !== null && it.madePublicAt <= end) {
      publicSince.set(
        it.procedureCode,
        Math.max(publicSince.get(it.procedureCode) ?? -Infinity, it.decidedAt),
      );
    }
    if (it.decidedAt < start) continue;
    const decided = it.decidedOnTime;
    const madePublic = madePublicOnTimeAt(it, end);
    const code = it.procedureCode;
    let k = codeIndex.get(code);
    if (k === undefined) codeIndex.set(code, (k = codeIndex.size));
    judge(P, k, code, decided, madePublic);
    const p = byCode.get(code);
    const listed = p === undefined ? null : unitsAt(p, it.decidedAt);
    if (listed !== null) {
      for (let j = 0; j < listed.length; j++) {
        const u = unitIndex.get(listed[j]);
        // Each unit once, however often the version lists it.
        if (u !== undefined && listed.indexOf(listed[j]) === j) judge(u, k, code, decided, madePublic);
      }
    }
  }
  for (const v of verdicts.values()) {
    const b = v.u * NC;
    counts[b + C_PUB]++;
    if (v.decided) counts[b + C_PUB_ON_TIME]++;
    if (v.madePublic) counts[b + C_PUB_MADE_PUBLIC]++;
    noteOther(v.u, '1.1', v.code, v.decided);
    noteOther(v.u, '1.2', v.code, v.madePublic);
  }
  // 1.3 over the catalogue as of end.
  for (let p = 0; p < scan.procCodes.length; p++) {
    const v = scan.catalogue[p];
    if (v === null) continue;
    const since = publicSince.get(v.code);
    if (since === undefined || (abolishedAt.get(v.code) ?? -Infinity) >= since) continue;
    for (const u of [P, ...scan.procUnitIdx[p]]) {
      counts[u * NC + C_PUBLIC]++;
      if (v.allComponents) counts[u * NC + C_PUBLIC_FULL]++;
      noteOther(u, '1.3', v.code, v.allComponents);
    }
  }
}

/** 5.3 (v2): each item naming a dossier, with its first receipt (rejected and returned ones included). */
export function feedbackSubjectsOf(items: readonly FeedbackFacts[]): SubjectMark[] {
  const out: SubjectMark[] = [];
  for (const f of items)
    if (f.dossierCode !== null) out.push({ dossierCode: f.dossierCode, at: f.receivedAt });
  return out;
}

/**
 * 5.1 and 5.2 (SCORING.md "Feedback", v2), per unit that held each item: 5.1 over the items it handled in
 * the period, on time at `end`; 5.2 over the items it first received in the period, neither late at `end`,
 * nor rated unsatisfied (last rating up to asOf), nor marked a repeat by asOf. A unit holding an item twice
 * (it came back) counts it once, on time only if every holding was.
 */
function countFeedback(
  items: readonly FeedbackFacts[] | FeedbackTable,
  unitIndex: ReadonlyMap<string, number>,
  counts: Int32Array,
  start: number,
  end: number,
  asOf: number,
  noteOther: NoteOther,
  explaining: boolean,
): void {
  const count = (f: FeedbackFacts): void => {
    const hs = f.holdings;
    if (hs.length === 0 || !(hs[0].receivedAt <= end)) return;
    // Finished for its last holder before the period (so for every earlier one too): nothing to count.
    const lastEnd = hs[hs.length - 1].finishedAt;
    if (lastEnd !== null && lastEnd < start) return;
    let unhappy: boolean | null = null;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i];
      if (!(h.receivedAt <= end)) continue;
      // Only the unit's first holding decides for it; later holdings of the same unit join it.
      let seen = false;
      for (let j = 0; j < i; j++) if (hs[j].unitId === h.unitId) seen = true;
      if (seen) continue;
      const u = unitIndex.get(h.unitId);
      if (u === undefined) continue;
      let handled = false;
      let onTime = true;
      for (let j = i; j < hs.length; j++) {
        const k = hs[j];
        if (k.unitId !== h.unitId || !(k.receivedAt <= end)) continue;
        if (feedbackHandledIn(k, start, end)) handled = true;
        if (!feedbackOnTimeAt(k, end)) onTime = false;
      }
      const b = u * NC;
      if (handled) {
        counts[b + C_FB_HANDLED]++;
        if (onTime) counts[b + C_FB_ON_TIME]++;
        noteOther(u, '5.1', f.id, onTime);
      }
      if (h.receivedAt >= start) {
        unhappy ??= ratedUnsatisfiedAt(f, asOf) || markedRepeatAt(f, asOf);
        const ok = onTime && !unhappy;
        counts[b + C_FB_RECEIVED]++;
        if (ok) counts[b + C_FB_OK]++;
        noteOther(u, '5.2', f.id, ok);
      }
    }
  };
  if (!(items instanceof FeedbackTable)) {
    for (const f of items) count(f);
    return;
  }
  countFeedbackTable(items, unitIndex, counts, start, end, asOf, explaining ? noteOther : null);
}

/** countFeedback's rule over a FeedbackTable's columns, for the items its period index names (received by
 * `end`, not finished before `start`). */
function countFeedbackTable(
  t: FeedbackTable,
  unitIndex: ReadonlyMap<string, number>,
  counts: Int32Array,
  start: number,
  end: number,
  asOf: number,
  noteOther: NoteOther | null,
): void {
  const unitOf = Int32Array.from(t.unitIds, (id) => unitIndex.get(id) ?? -1);
  const { holdingStart, holdingCount, holdingUnit, lastRatingAt, repeatMarkedAt, flags, items } = t;
  const { receivedAt, finishedAt, rejectedOrForwardedAt, rejectOrForwardBy } = t.holdings;
  const { firstInformationRequestAt, informationRequestBy, answeredAt, answerBy } = t.holdings;
  const { publishedAt, publishBy } = t.holdings;
  for (const bucket of t.candidates(start, end)) {
    const rows = bucket.rows;
    for (let k = 0, n = bucket.n; k < n; k++) {
      const row = rows[k];
      const first = holdingStart[row];
      const stop = first + holdingCount[row];
      if (stop === first || !(receivedAt[first] <= end)) continue;
      if (finishedAt[stop - 1] < start) continue;
      let unhappy = -1; // not judged yet
      for (let i = first; i < stop; i++) {
        if (!(receivedAt[i] <= end)) continue;
        const hu = holdingUnit[i];
        let seen = false;
        for (let j = first; j < i; j++) if (holdingUnit[j] === hu) seen = true;
        if (seen) continue;
        const u = unitOf[hu];
        if (u < 0) continue;
        let handled = false;
        let onTime = true;
        for (let j = i; j < stop; j++) {
          if (holdingUnit[j] !== hu || !(receivedAt[j] <= end)) continue;
          if (!(finishedAt[j] < start)) handled = true;
          const jOnTime = feedbackOnTimeMs(
            rejectedOrForwardedAt[j],
            rejectOrForwardBy[j],
            firstInformationRequestAt[j],
            informationRequestBy[j],
            answeredAt[j],
            answerBy[j],
            publishedAt[j],
            publishBy[j],
            end,
          );
          if (!jOnTime) onTime = false;
        }
        const b = u * NC;
        if (handled) {
          counts[b + C_FB_HANDLED]++;
          if (onTime) counts[b + C_FB_ON_TIME]++;
          if (noteOther !== null) noteOther(u, '5.1', items[row].id, onTime);
        }
        if (receivedAt[i] >= start) {
          if (unhappy < 0) {
            const lr = lastRatingAt[row];
            const unsatisfied =
              lr <= asOf
                ? (flags[row] & FB_LAST_UNSATISFIED) !== 0
                : (flags[row] & FB_RATINGS) !== 0 && ratedUnsatisfiedAt(items[row], asOf);
            unhappy = unsatisfied || repeatMarkedAt[row] <= asOf ? 1 : 0;
          }
          const ok = onTime && unhappy === 0;
          counts[b + C_FB_RECEIVED]++;
          if (ok) counts[b + C_FB_OK]++;
          if (noteOther !== null) noteOther(u, '5.2', items[row].id, ok);
        }
      }
    }
  }
}

/** 6.5a (v2): a commune scores itself, a district its communes, the province all communes. */
function countCommunes(
  units: readonly ScorecardUnitInput[],
  unitIndex: ReadonlyMap<string, number>,
  counts: Int32Array,
  end: number,
  noteOther: NoteOther,
): void {
  const P = units.length;
  units.forEach((unit, i) => {
    if (unit.level !== 'commune') return;
    const since = unit.electronicCertifiedCopySince;
    const offers = since !== undefined && startOfDayMs(since) <= end;
    const parent = unit.parentId === undefined ? undefined : unitIndex.get(unit.parentId);
    const targets = [i, P];
    if (parent !== undefined && units[parent].level === 'district') targets.push(parent);
    for (const u of targets) {
      counts[u * NC + C_COMMUNES]++;
      if (offers) counts[u * NC + C_COMMUNES_ECOPY]++;
      noteOther(u, '6.5a', unit.unitId, offers);
    }
  });
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
  // Which units get a row.
  const only = input.onlyUnitIds ? new Set(input.onlyUnitIds) : null;
  const shown = units.map(
    (u) => (input.level === undefined || u.level === input.level) && (!only || only.has(u.unitId)),
  );

  const scan = new Scan(start, end, asOf, unitIndex, nUnits, input.explainLimit ?? 100);
  for (const p of input.procedures) {
    const v = procedureAt(p, end);
    if (v !== null) scan.addProcedure(v);
  }
  if (input.explain) scan.explainAcc = units.map((_, i) => (shown[i] ? X_IDS.map(newAcc) : null));
  const c53 = method.groups.flatMap((g) => g.criteria).find((c) => c.id === '5.3');
  if (c53?.feedbackSubjects) {
    const items = input.feedback;
    const marks =
      input.feedbackSubjects ??
      (items instanceof FeedbackTable ? items.subjects : items ? feedbackSubjectsOf(items) : []);
    if (input.facts instanceof FactsTable) {
      input.facts.markSubjects(marks);
      scan.subjectColumn = true;
    } else if (marks.length > 0) {
      const subjects = new Map<string, number>();
      for (const m of marks) if (!(subjects.get(m.dossierCode)! <= m.at)) subjects.set(m.dossierCode, m.at);
      scan.subjects = subjects;
    }
  }

  const facts = input.facts;
  if (facts instanceof FactsTable) scan.scanTable(facts);
  else if (Array.isArray(facts)) scan.scanArray(facts as readonly DossierFacts[]);
  else for (const f of facts as Iterable<DossierFacts>) scan.visit(f);

  // The province's dossier counts are its units' sums (every counted dossier belongs to one unit).
  const { counts, procCodes, catalogue, procUnitIdx, pairFlags, explainAcc } = scan;
  const P = nUnits;
  const otherAcc = input.explain ? units.map(() => new Map<CriterionId, ExplainAcc>()) : null;
  const noteOther = (u: number, id: CriterionId, code: string, inNumerator: boolean): void => {
    if (otherAcc === null || u === P || !shown[u]) return;
    let acc = otherAcc[u].get(id);
    if (acc === undefined) otherAcc[u].set(id, (acc = newAcc()));
    scan.note(acc, code, inNumerator);
  };
  if (input.feedback)
    countFeedback(input.feedback, unitIndex, counts, start, end, asOf, noteOther, otherAcc !== null);
  for (let u = 0; u < nUnits; u++) for (const k of SUMMED) counts[P * NC + k] += counts[u * NC + k];
  countPublications(input, scan, counts, unitIndex, start, end, noteOther);
  countCommunes(units, unitIndex, counts, end, noteOther);
  const note = (acc: ExplainAcc, code: string, inNumerator: boolean): void =>
    scan.note(acc, code, inNumerator);

  /** The lists in code order, each cut at the explain limit. */
  const capped = (acc: ExplainAcc, kind: CriterionExplanation['kind']): CriterionExplanation => {
    const cut = (list: string[]) => list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, scan.limit);
    const truncated = acc.num.length > scan.limit || acc.lost.length > scan.limit;
    return { kind, numerator: cut(acc.num), lost: cut(acc.lost), truncated };
  };

  // Explanations of procedure criteria.
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
      else if (id === '6.5c' && listed && v.forCitizens) note(acc, procCodes[p], (fl & F_IDENT) !== 0);
    }
    return capped(acc, 'procedure');
  };
  const explainerOf = (u: number): ((id: CriterionId) => CriterionExplanation | undefined) | null => {
    const accs = explainAcc === null ? null : explainAcc[u];
    if (accs === null) return null;
    return (id) => {
      const other = OTHER_KIND[id];
      if (other !== undefined) return capped(otherAcc?.[u].get(id) ?? newAcc(), other);
      const k = X_IDS.indexOf(id);
      if (k < 0) return procedureExplanation(u, id);
      return capped(accs[k], 'dossier');
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
