// One list query over a list read model whose index sets are kept per scope (`all`, `unit:<id>`), each a
// lex-ordered set of `<received ms, 15 digits>|<id>` members, with `:status:<s>`, `:overdue`, `:alerted`
// (lex) and `:running` (scored by the due instant) beside it: the dossiers' and the feedback items' lists.
// Unit scoping, the lex range from receivedFrom/receivedTo and the cursor, the due filters and the paging
// live here once.
import { RECORD_ID, visibleUnits } from '@tracker/domain';
import type { Caller } from '../access/caller';
import { assertUnitFilter } from '../access/unit-filter';
import type { AnyProjection } from './projection';
import type { ProjectionStore } from './projection-store.port';
import type { CatalogueReader } from '../catalogue/catalogue.reader';

export type DueFilter = 'overdue' | 'due-soon';

export type ListCriteria<S extends string> = Readonly<{
  unitId?: string;
  status?: S;
  due?: DueFilter;
  /** Received at or after (ISO instant). */
  receivedFrom?: string;
  /** Received at or before (ISO instant). */
  receivedTo?: string;
  /** Page size, 1–500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}>;

/** What a list brings: its read model, a row's sort key and status, and what "due soon" means for it. */
export type ScopedList<Doc> = Readonly<{
  /** The list's read model (its fold's document type is its own; the list reads the rows it stores). */
  projection: AnyProjection;
  sortKey: (doc: Doc) => string;
  status: (doc: Doc) => string;
  /** The end of the window in which a running row's due instant makes it due soon. */
  dueSoonUntil: (nowMs: number) => Promise<number>;
  /** A due-soon candidate (alerted, or due within the window) that is still due soon now. */
  stillDueSoon: (doc: Doc, nowMs: number) => boolean;
}>;

export type ListRows<Doc> = Readonly<{
  rows: Doc[];
  nextCursor: string | null;
  asOfPosition: string | null;
}>;

/** Cursors are opaque to clients: base64url of the last row's sort key (`<received ms, 15 digits>|<id>`). */
export const encodeCursor = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^\d{15}\|/.test(key) && RECORD_ID.test(key.slice(16)) ? key : undefined;
}

/** The sort key's received part: epoch ms, zero-padded to 15 digits. */
export const sortKeyFloor = (ms: number): string => String(Math.max(0, ms)).padStart(15, '0');

const idOf = (member: string): string => member.slice(member.indexOf('|') + 1);

/** The caller's scopes: the unit asked for (checked by assertUnitFilter), else its units, or `all`. */
function scopesOf(criteria: ListCriteria<string>, caller: Caller): string[] {
  if (criteria.unitId) return [`unit:${criteria.unitId}`];
  const units = visibleUnits(caller);
  return units === 'all' ? ['all'] : units.map((u) => `unit:${u}`);
}

/** ZRANGE BYLEX bounds from receivedFrom/receivedTo and the cursor (exclusive). */
function lexRange(c: ListCriteria<string>): [string, string] {
  let min = c.receivedFrom ? `[${sortKeyFloor(Date.parse(c.receivedFrom))}` : '-';
  const after = c.cursor ? decodeCursor(c.cursor) : undefined;
  if (after !== undefined && (min === '-' || after >= min.slice(1))) min = `(${after}`;
  const max = c.receivedTo ? `(${sortKeyFloor(Date.parse(c.receivedTo) + 1)}` : '+';
  return [min, max];
}

/**
 * One page of a scoped list, ordered by received instant then id. Without `due` it reads the scope's (or
 * status's) lex set; with `due` it gathers the candidates (`overdue`: recorded overdue, or running past due;
 * `due-soon`: alerted, or running and due within the list's window), then loads them a page at a time. A row
 * in two of the caller's units counts once.
 */
export async function readListPage<Doc>(
  list: ScopedList<Doc>,
  store: ProjectionStore,
  catalogue: Pick<CatalogueReader, 'knownUnit'>,
  criteria: ListCriteria<string>,
  caller: Caller,
  nowMs: number,
): Promise<ListRows<Doc>> {
  const P = list.projection;
  const limit = criteria.limit ?? 50;
  if (criteria.unitId) await assertUnitFilter(catalogue, caller, criteria.unitId);
  const scopes = scopesOf(criteria, caller);
  const generation = await store.activeGeneration(P);
  if (generation === undefined || scopes.length === 0)
    return { rows: [], nextCursor: null, asOfPosition: null };
  const status = await store.status(P, generation);
  const [min, max] = lexRange(criteria);
  const load = async (members: readonly string[]): Promise<Doc[]> => {
    const docs = await store.documents<Doc | null>(P, generation, members.map(idOf));
    return docs.filter((d): d is Doc => d !== undefined && d !== null);
  };

  let rows: Doc[];
  if (!criteria.due) {
    const set = (scope: string) => (criteria.status ? `${scope}:status:${criteria.status}` : scope);
    const lists = await Promise.all(
      scopes.map((s) => store.membersByLex(P, generation, set(s), min, max, limit + 1)),
    );
    const members = lists.length === 1 ? lists[0] : [...new Set(lists.flat())].sort();
    rows = await load(members.slice(0, limit + 1));
  } else {
    const inRange = (m: string) =>
      (min === '-' || m > min.slice(1) || (min[0] === '[' && m === min.slice(1))) &&
      (max === '+' || m < max.slice(1));
    const candidates = new Set<string>();
    for (const s of scopes) {
      const found =
        criteria.due === 'overdue'
          ? await Promise.all([
              store.membersByLex(P, generation, `${s}:overdue`, min, max, -1),
              store.membersByScore(P, generation, `${s}:running`, -Infinity, nowMs - 1),
            ])
          : await Promise.all([
              store.membersByLex(P, generation, `${s}:alerted`, min, max, -1),
              store.membersByScore(P, generation, `${s}:running`, nowMs, await list.dueSoonUntil(nowMs)),
            ]);
      for (const m of found.flat()) if (inRange(m)) candidates.add(m);
    }
    const sorted = [...candidates].sort();
    rows = [];
    for (let i = 0; i < sorted.length && rows.length <= limit; i += limit + 1) {
      for (const d of await load(sorted.slice(i, i + limit + 1))) {
        if (criteria.status && list.status(d) !== criteria.status) continue;
        if (criteria.due === 'due-soon' && !list.stillDueSoon(d, nowMs)) continue;
        rows.push(d);
      }
    }
    rows = rows.slice(0, limit + 1);
  }
  const page = rows.slice(0, limit);
  return {
    rows: page,
    nextCursor: rows.length > limit ? encodeCursor(list.sortKey(page[page.length - 1])) : null,
    asOfPosition: status?.checkpoint.position?.toString() ?? null,
  };
}
