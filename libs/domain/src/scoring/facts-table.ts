// The facts of every dossier in columns (typed arrays), for a reader that keeps them in memory and
// scores often: the scan then reads contiguous numbers instead of chasing one object (and its boxed
// numbers) per dossier. Absent instants are NaN, so every `x <= asOf` test is false for them. Codes are
// kept per row; the source facts only for the rows whose supplement rounds or ratings the columns cannot
// answer (TF_SUPPLEMENTS, TF_RATINGS), so a million dossiers are a few typed arrays, not a million objects.
import type { DossierFacts } from './dossier-facts';
import { isOnTimeFacts, isOnTimeOneRound } from '../dossier/dossier.on-time';
import { CodeIndex } from './code-index';
import { PeriodIndex, type PeriodBucket } from './period-index';

export const TF_ONLINE = 1;
export const TF_WRITTEN_RESULT = 2;
/** More than one supplement request (or a receipt without its request): judge from the source facts. */
export const TF_SUPPLEMENTS = 4;
/** More than one rating: the latest up to asOf may be an earlier one, read from the source facts. */
export const TF_RATINGS = 8;
/** The latest rating is unsatisfied. */
export const TF_LAST_UNSATISFIED = 16;
/** The applicant was identified through VNeID or the population database at receipt (6.5b). */
export const TF_IDENTIFIED = 32;

/** Bits of `FactsTable.got` (and of the scan's per-dossier answer): which "by asOf" instants are set. */
export const G_SYNCED = 1;
export const G_DIGITIZED = 2;
export const G_REUSED = 4;
export const G_PERSONAL_STORE = 8;
export const G_E_RESULT = 16;
export const G_PAID_ONLINE = 32;
export const G_FEE = 64;
/** Not an instant: on time once finished (SCORING.md's rule with E = finishedAt, whatever `end` after it);
 * a scan whose `end` is at or after finishedAt reads it instead of the rounds. */
export const G_ON_TIME_FINISHED = 128;
/** The columns compared with asOf, in the order of their G_* bits. */
const AS_OF_COLUMNS = [
  'syncedAt',
  'digitizedAt',
  'reusedAt',
  'personalStoreAt',
  'eResultAt',
  'paidOnlineAt',
  'feeAt',
] as const;

export const FACTS_COLUMNS = [
  'receivedAt',
  'dueAt',
  'finishedAt',
  'syncedAt',
  'digitizedAt',
  'reusedAt',
  'personalStoreAt',
  'eResultAt',
  'paidOnlineAt',
  'feeAt',
  // The first supplement round and the latest rating, so that most dossiers are judged from columns.
  'supplement1RequestedAt',
  'supplement1ReceivedAt',
  'lastRatingAt',
  // 5.3 (v2): the earliest first receipt of a feedback item naming the dossier (markSubjects).
  'subjectAt',
] as const;
const COLUMNS = FACTS_COLUMNS;
type Column = (typeof COLUMNS)[number];

/** What the rows need from their source facts (flags TF_SUPPLEMENTS or TF_RATINGS). */
const TF_DETAILED = TF_SUPPLEMENTS | TF_RATINGS;

/**
 * A table's rows as plain arrays (what a snapshot stores): `size` rows of every column, unit and procedure
 * indexes into `unitIds` and `procedureCodes`, flags, codes, and the source facts of the detailed rows.
 * The 5.3 marks are not part of it: the scorecard marks them again from the feedback items.
 */
export type FactsTableImage = Readonly<{
  size: number;
  columns: Readonly<Record<Column, Float64Array>>;
  unit: Int32Array;
  procedure: Int32Array;
  flags: Uint8Array;
  codes: readonly string[];
  unitIds: readonly string[];
  procedureCodes: readonly string[];
  detailed: ReadonlyArray<readonly [row: number, facts: DossierFacts]>;
}>;

/** A feedback item naming a dossier: the dossier code and the item's first receipt (epoch ms). */
export type SubjectMark = Readonly<{ dossierCode: string; at: number }>;

export class FactsTable {
  size = 0;
  private capacity: number;
  readonly columns = {} as Record<Column, Float64Array>;
  unit: Int32Array;
  procedure: Int32Array;
  flags: Uint8Array;
  /**
   * Derived from the columns (not part of an image): the latest of the instants a scorecard compares with
   * asOf (AS_OF_COLUMNS and lastRatingAt; -Infinity when none), and the G_* bits of those set. With asOf at
   * or after `asOfAt` (a past period judged now: nearly every row), every set one counts and the scan reads
   * these two instead of eight columns.
   */
  asOfAt: Float64Array;
  got: Uint8Array;
  /** Each row's dossier code. */
  codes: string[] = [];
  /** The source facts of the rows flagged TF_SUPPLEMENTS or TF_RATINGS (their rounds, their ratings). */
  readonly detailed = new Map<number, DossierFacts>();
  /** Interned unit ids and procedure codes; rows hold their indexes. */
  readonly unitIds: string[] = [];
  readonly procedureCodes: string[] = [];
  private rowOf = new CodeIndex(this.codes);
  private readonly unitIdx = new Map<string, number>();
  private readonly procedureIdx = new Map<string, number>();
  /** dossier code → earliest subject mark, kept for dossiers not in the table yet too. */
  private readonly subjectMarks = new Map<string, number>();
  private subjectLog: readonly SubjectMark[] | null = null;
  private subjectCursor = 0;
  /** The rows by receipt and finish (PeriodIndex), for a period's scan. */
  private readonly period = new PeriodIndex();

  constructor(capacity = 1024) {
    this.capacity = Math.max(16, capacity);
    for (const c of COLUMNS) this.columns[c] = new Float64Array(this.capacity);
    this.unit = new Int32Array(this.capacity);
    this.procedure = new Int32Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
    this.asOfAt = new Float64Array(this.capacity);
    this.got = new Uint8Array(this.capacity);
  }

  static from(facts: Iterable<DossierFacts>): FactsTable {
    const list = Array.isArray(facts) ? (facts as DossierFacts[]) : [...facts];
    const table = new FactsTable(list.length);
    for (const f of list) table.upsert(f);
    return table;
  }

  /** Add a dossier's facts, or replace them (same code): what a projection's change feed calls. */
  upsert(f: DossierFacts): void {
    let i = this.rowOf.get(f.code);
    if (i === undefined) {
      if (this.size === this.capacity) this.grow();
      i = this.size++;
      this.codes.push(f.code);
      this.rowOf.add(i);
    }
    const c = this.columns;
    const req = f.supplementRequestedAt;
    const rec = f.supplementReceivedAt;
    const ratings = f.ratings;
    const last = ratings.length > 0 ? ratings[ratings.length - 1] : null;
    for (const k of COLUMNS) {
      if (k === 'supplement1RequestedAt') c[k][i] = req.length > 0 ? req[0] : NaN;
      else if (k === 'supplement1ReceivedAt') c[k][i] = rec.length > 0 ? rec[0] : NaN;
      else if (k === 'lastRatingAt') c[k][i] = last === null ? NaN : last.at;
      else if (k === 'subjectAt') c[k][i] = this.subjectMarks.get(f.code) ?? NaN;
      else c[k][i] = f[k] ?? NaN;
    }
    this.unit[i] = this.intern(this.unitIdx, this.unitIds, f.unitId);
    this.procedure[i] = this.intern(this.procedureIdx, this.procedureCodes, f.procedureCode);
    const flags =
      (f.online ? TF_ONLINE : 0) |
      (f.requiresWrittenResult ? TF_WRITTEN_RESULT : 0) |
      (req.length > 1 || rec.length > req.length ? TF_SUPPLEMENTS : 0) |
      (ratings.length > 1 ? TF_RATINGS : 0) |
      (last !== null && !last.satisfied ? TF_LAST_UNSATISFIED : 0) |
      (f.identified === true ? TF_IDENTIFIED : 0);
    this.flags[i] = flags;
    if ((flags & TF_DETAILED) !== 0) this.detailed.set(i, f);
    else this.detailed.delete(i);
    this.derive(i);
    this.index(i);
  }

  /** Row i's asOfAt and got (see there), from its columns and flags. */
  private derive(i: number): void {
    const c = this.columns;
    let latest = c.lastRatingAt[i] >= -Infinity ? c.lastRatingAt[i] : -Infinity;
    let got = 0;
    for (let k = 0; k < AS_OF_COLUMNS.length; k++) {
      const at = c[AS_OF_COLUMNS[k]][i];
      if (Number.isNaN(at)) continue;
      got |= 1 << k;
      if (at > latest) latest = at;
    }
    const fin = c.finishedAt[i];
    if (
      !Number.isNaN(fin) &&
      ((this.flags[i] & TF_SUPPLEMENTS) !== 0
        ? isOnTimeFacts(this.detailed.get(i)!, fin)
        : isOnTimeOneRound(fin, c.supplement1RequestedAt[i], c.supplement1ReceivedAt[i], fin, c.dueAt[i]))
    )
      got |= G_ON_TIME_FINISHED;
    this.asOfAt[i] = latest;
    this.got[i] = got;
  }

  /** The buckets of rows a period's scan needs (PeriodIndex.candidates). */
  candidates(start: number, end: number): PeriodBucket[] {
    return this.period.candidates(start, end);
  }

  /** Files row i in the period index. */
  private index(i: number): void {
    this.period.set(i, this.columns.receivedAt[i], this.columns.finishedAt[i]);
  }

  /** The source facts of a detailed row (TF_SUPPLEMENTS or TF_RATINGS). */
  details(row: number): DossierFacts {
    return this.detailed.get(row)!;
  }

  /**
   * The rows as plain arrays (copies), for a snapshot, in the period index's order: by receipt bucket, then
   * finish bucket (rows never received last), so that a table made from it holds each bucket's rows side by
   * side and a period's scan reads the columns nearly in sequence.
   */
  image(): FactsTableImage {
    const n = this.size;
    const order = this.period.order(n);
    const newRow = new Int32Array(n);
    for (let j = 0; j < n; j++) newRow[order[j]] = j;
    const gather = <T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T => {
      for (let j = 0; j < n; j++) to[j] = from[order[j]];
      return to;
    };
    const columns = {} as Record<Column, Float64Array>;
    for (const c of COLUMNS) columns[c] = gather(this.columns[c], new Float64Array(n));
    const codes = new Array<string>(n);
    for (let j = 0; j < n; j++) codes[j] = this.codes[order[j]];
    return {
      size: n,
      columns,
      unit: gather(this.unit, new Int32Array(n)),
      procedure: gather(this.procedure, new Int32Array(n)),
      flags: gather(this.flags, new Uint8Array(n)),
      codes,
      unitIds: this.unitIds.slice(),
      procedureCodes: this.procedureCodes.slice(),
      detailed: [...this.detailed].map(([row, facts]) => [newRow[row], facts] as const),
    };
  }

  /** Whether the rows already sit in image()'s order (a table made from a snapshot this code wrote). */
  isClustered(): boolean {
    const order = this.period.order(this.size);
    for (let i = 0; i < order.length; i++) if (order[i] !== i) return false;
    return true;
  }

  /** The same rows in a new table, each bucket's side by side (see image()), for a table filled in no
   * particular order (a load in hash order). Its 5.3 column is marked again by the next markSubjects. */
  clustered(): FactsTable {
    return FactsTable.fromImage(this.image());
  }

  /**
   * A table holding an image's rows (its 5.3 column empty until the next markSubjects). It takes the
   * image's arrays (and its codes) over when they are exactly `size` long (a decoded snapshot's), else
   * copies them.
   */
  static fromImage(image: FactsTableImage): FactsTable {
    const n = image.size;
    const exact =
      n > 0 &&
      COLUMNS.every((c) => image.columns[c].length === n) &&
      image.unit.length === n &&
      image.procedure.length === n &&
      image.flags.length === n &&
      image.codes.length === n;
    const t = new FactsTable(exact ? 16 : n);
    if (exact) {
      t.capacity = n;
      for (const c of COLUMNS) t.columns[c] = image.columns[c];
      t.unit = image.unit;
      t.procedure = image.procedure;
      t.flags = image.flags;
    } else {
      for (const c of COLUMNS) t.columns[c].set(image.columns[c].subarray(0, n));
      t.unit.set(image.unit.subarray(0, n));
      t.procedure.set(image.procedure.subarray(0, n));
      t.flags.set(image.flags.subarray(0, n));
    }
    t.columns.subjectAt.fill(NaN);
    t.codes = exact ? (image.codes as string[]) : image.codes.slice(0, n);
    t.rowOf = new CodeIndex(t.codes);
    for (const id of image.unitIds) t.intern(t.unitIdx, t.unitIds, id);
    for (const code of image.procedureCodes) t.intern(t.procedureIdx, t.procedureCodes, code);
    for (const [row, facts] of image.detailed) t.detailed.set(row, facts);
    t.size = n;
    if (exact) {
      t.asOfAt = new Float64Array(n);
      t.got = new Uint8Array(n);
    }
    t.period.reserve(n);
    for (let i = 0; i < n; i++) {
      t.derive(i);
      t.index(i);
    }
    return t;
  }

  /**
   * Applies the marks of an append-only log (the same array growing between calls: only its new entries
   * are read; another array is read from its start). Marks only ever move a dossier's instant earlier.
   */
  markSubjects(log: readonly SubjectMark[]): void {
    if (log !== this.subjectLog) {
      this.subjectLog = log;
      this.subjectCursor = 0;
    }
    const col = this.columns.subjectAt;
    for (let k = this.subjectCursor; k < log.length; k++) {
      const { dossierCode, at } = log[k];
      const before = this.subjectMarks.get(dossierCode);
      if (before !== undefined && before <= at) continue;
      this.subjectMarks.set(dossierCode, at);
      const i = this.rowOf.get(dossierCode);
      if (i !== undefined) col[i] = at;
    }
    this.subjectCursor = log.length;
  }

  /** The row of a dossier, or undefined. */
  rowOfCode(code: string): number | undefined {
    return this.rowOf.get(code);
  }

  private intern(index: Map<string, number>, list: string[], key: string): number {
    let k = index.get(key);
    if (k === undefined) {
      k = list.length;
      index.set(key, k);
      list.push(key);
    }
    return k;
  }

  private grow(): void {
    this.capacity *= 2;
    const more = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    for (const k of COLUMNS) this.columns[k] = more(this.columns[k], (n) => new Float64Array(n));
    this.unit = more(this.unit, (n) => new Int32Array(n));
    this.procedure = more(this.procedure, (n) => new Int32Array(n));
    this.flags = more(this.flags, (n) => new Uint8Array(n));
    this.asOfAt = more(this.asOfAt, (n) => new Float64Array(n));
    this.got = more(this.got, (n) => new Uint8Array(n));
  }
}
