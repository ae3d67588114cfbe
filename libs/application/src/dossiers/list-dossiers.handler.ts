import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertUnitAccess, civilDateOf, instantFromMs, instantMs, visibleUnits } from '@tracker/domain';
import { Caller } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CLOCK, Clock } from '../ports/clock.port';
import {
  dossierListProjection,
  dossierSortKey,
  sortKeyFloor,
  type DossierListDoc,
} from '../projections/dossier-list.projection';
import { PROJECTION_STORE, ProjectionStore } from '../projections/projection-store.port';
import {
  DossierListItem,
  DossierListPage,
  ListDossiersCriteria,
  ListDossiersQuery,
  decodeCursor,
  encodeCursor,
} from './list-dossiers.query';

const P = dossierListProjection;
const codeOf = (member: string): string => member.slice(member.indexOf('|') + 1);

/**
 * `GET /api/dossiers` over the `dossier-list` read model: ordered by received instant then code, cursor
 * paged, scoped to the caller's units unless reform office or admin.
 *
 * `due=overdue`: a recorded overdue not retracted, or running (unfinished, clock not stopped) with its
 * effective due already passed (the overdue event may not be recorded yet).
 * `due=due-soon`: running, not past due, and either its effective due falls before the end of the next
 * working day (office hours, Asia/Ho_Chi_Minh working-day calendar) or a due-soon alert was recorded for its
 * current effective due.
 */
@QueryHandler(ListDossiersQuery)
export class ListDossiersHandler implements IQueryHandler<ListDossiersQuery, DossierListPage> {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly calendars: CalendarProvider,
  ) {}

  async execute({ criteria, caller }: ListDossiersQuery): Promise<DossierListPage> {
    const limit = criteria.limit ?? 50;
    const scopes = scopesOf(criteria, caller);
    const generation = await this.store.activeGeneration(P);
    if (generation === undefined || scopes.length === 0)
      return { items: [], nextCursor: null, asOfPosition: null };
    const status = await this.store.status(P, generation);
    const nowMs = this.clock.now().getTime();
    const [min, max] = lexRange(criteria);

    let rows: DossierListDoc[];
    if (!criteria.due) {
      const set = (scope: string) => (criteria.status ? `${scope}:status:${criteria.status}` : scope);
      const lists = await Promise.all(
        scopes.map((s) => this.store.membersByLex(P, generation, set(s), min, max, limit + 1)),
      );
      rows = await this.load(generation, mergeSorted(lists).slice(0, limit + 1));
    } else {
      const inRange = (m: string) =>
        (min === '-' || m > min.slice(1) || (min[0] === '[' && m === min.slice(1))) &&
        (max === '+' || m < max.slice(1));
      const candidates = new Set<string>();
      for (const s of scopes) {
        const found =
          criteria.due === 'overdue'
            ? await Promise.all([
                this.store.membersByLex(P, generation, `${s}:overdue`, min, max, -1),
                this.store.membersByScore(P, generation, `${s}:running`, -Infinity, nowMs - 1),
              ])
            : await Promise.all([
                this.store.membersByLex(P, generation, `${s}:alerted`, min, max, -1),
                this.store.membersByScore(P, generation, `${s}:running`, nowMs, await this.horizonMs(nowMs)),
              ]);
        for (const m of found.flat()) if (inRange(m)) candidates.add(m);
      }
      const sorted = [...candidates].sort();
      rows = [];
      for (let i = 0; i < sorted.length && rows.length <= limit; i += limit + 1) {
        const docs = await this.load(generation, sorted.slice(i, i + limit + 1));
        for (const d of docs) {
          if (criteria.status && d.status !== criteria.status) continue;
          if (criteria.due === 'due-soon' && instantMs(d.effectiveDueAt, 'effectiveDueAt') < nowMs) continue;
          rows.push(d);
        }
      }
      rows = rows.slice(0, limit + 1);
    }
    const page = rows.slice(0, limit);
    return {
      items: page.map((d) => listItem(d, nowMs)),
      nextCursor: rows.length > limit ? encodeCursor(dossierSortKey(page[page.length - 1])) : null,
      asOfPosition: status?.checkpoint.position?.toString() ?? null,
    };
  }

  private async load(generation: number, members: readonly string[]): Promise<DossierListDoc[]> {
    const docs = await this.store.documents<DossierListDoc | null>(P, generation, members.map(codeOf));
    return docs.filter((d): d is DossierListDoc => d !== undefined && d !== null);
  }

  /** The close of office hours on the next working day after today (Asia/Ho_Chi_Minh). */
  private async horizonMs(nowMs: number): Promise<number> {
    const { calendar } = await this.calendars.current(new Date(nowMs));
    const sessions = calendar.sessionsOn(calendar.nextWorkingDay(civilDateOf(instantFromMs(nowMs))));
    return sessions.length ? sessions[sessions.length - 1].endMs : nowMs + 24 * 3_600_000;
  }
}

function scopesOf(criteria: ListDossiersCriteria, caller: Caller): string[] {
  if (criteria.unitId) {
    assertUnitAccess(caller, 'read', criteria.unitId);
    return [`unit:${criteria.unitId}`];
  }
  const units = visibleUnits(caller);
  return units === 'all' ? ['all'] : units.map((u) => `unit:${u}`);
}

/** ZRANGE BYLEX bounds from receivedFrom/receivedTo and the cursor (exclusive). */
function lexRange(c: ListDossiersCriteria): [string, string] {
  let min = c.receivedFrom ? `[${sortKeyFloor(Date.parse(c.receivedFrom))}` : '-';
  const after = c.cursor ? decodeCursor(c.cursor) : undefined;
  if (after !== undefined && (min === '-' || after >= min.slice(1))) min = `(${after}`;
  const max = c.receivedTo ? `(${sortKeyFloor(Date.parse(c.receivedTo) + 1)}` : '+';
  return [min, max];
}

/** Merges sorted member lists, dropping duplicates (a dossier in two of the caller's units). */
function mergeSorted(lists: readonly string[][]): string[] {
  if (lists.length === 1) return lists[0];
  return [...new Set(lists.flat())].sort();
}

function listItem(d: DossierListDoc, nowMs: number): DossierListItem {
  return {
    code: d.code,
    unitId: d.unitId,
    currentUnitId: d.currentUnitId,
    procedureCode: d.procedureCode,
    status: d.status,
    channel: d.channel,
    onlineLevel: d.onlineLevel,
    receivedAt: d.receivedAt,
    dueAt: d.dueAt,
    effectiveDueAt: d.effectiveDueAt,
    rescheduledDueAt: d.rescheduledDueAt,
    overdue: d.overdue,
    pastDue: d.running && instantMs(d.effectiveDueAt, 'effectiveDueAt') < nowMs,
    alert: d.alert,
    supplementRequests: d.supplementRequests,
    finishedAt: d.finishedAt,
    finishedBy: d.finishedBy,
    onTime: d.onTime,
  };
}
