// The facts of every dossier in columns (typed arrays), for a reader that keeps them in memory and
// scores often: the scan then reads contiguous numbers instead of chasing one object (and its boxed
// numbers) per dossier. Absent instants are NaN, so every `x <= asOf` test is false for them. Supplement
// rounds, ratings and codes stay in the source facts, read only for the dossiers that have them.
import type { DossierFacts } from './dossier-facts';

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

const COLUMNS = [
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
type Column = (typeof COLUMNS)[number];

/** A feedback item naming a dossier: the dossier code and the item's first receipt (epoch ms). */
export type SubjectMark = Readonly<{ dossierCode: string; at: number }>;

export class FactsTable {
  size = 0;
  private capacity: number;
  readonly columns = {} as Record<Column, Float64Array>;
  unit: Int32Array;
  procedure: Int32Array;
  flags: Uint8Array;
  /** The source facts of each row (codes, supplement rounds, ratings). */
  readonly facts: DossierFacts[] = [];
  /** Interned unit ids and procedure codes; rows hold their indexes. */
  readonly unitIds: string[] = [];
  readonly procedureCodes: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly unitIdx = new Map<string, number>();
  private readonly procedureIdx = new Map<string, number>();
  /** dossier code → earliest subject mark, kept for dossiers not in the table yet too. */
  private readonly subjectMarks = new Map<string, number>();
  private subjectLog: readonly SubjectMark[] | null = null;
  private subjectCursor = 0;

  constructor(capacity = 1024) {
    this.capacity = Math.max(16, capacity);
    for (const c of COLUMNS) this.columns[c] = new Float64Array(this.capacity);
    this.unit = new Int32Array(this.capacity);
    this.procedure = new Int32Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
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
      this.rowOf.set(f.code, i);
      this.facts.push(f);
    } else this.facts[i] = f;
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
    this.flags[i] =
      (f.online ? TF_ONLINE : 0) |
      (f.requiresWrittenResult ? TF_WRITTEN_RESULT : 0) |
      (req.length > 1 || rec.length > req.length ? TF_SUPPLEMENTS : 0) |
      (ratings.length > 1 ? TF_RATINGS : 0) |
      (last !== null && !last.satisfied ? TF_LAST_UNSATISFIED : 0) |
      (f.identified === true ? TF_IDENTIFIED : 0);
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

  get(code: string): DossierFacts | undefined {
    const i = this.rowOf.get(code);
    return i === undefined ? undefined : this.facts[i];
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
  }
}
