import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertUnitAccess, instantMs, visibleUnits } from '@tracker/domain';
import type { Caller } from '../access/caller';
import { decodeCursor, encodeCursor } from '../dossiers/list-dossiers.query';
import { CLOCK, Clock } from '../ports/clock.port';
import { sortKeyFloor } from '../projections/dossier-list.projection';
import {
  feedbackListProjection,
  feedbackSortKey,
  type FeedbackListDoc,
} from '../projections/feedback-list.projection';
import { PROJECTION_STORE, ProjectionStore } from '../projections/projection-store.port';
import { FeedbackListPage, ListFeedbackCriteria, ListFeedbackQuery } from './list-feedback.query';

const P = feedbackListProjection;
const idOf = (member: string): string => member.slice(member.indexOf('|') + 1);
/** Due soon: the owed deadline falls within this many ms, or a due-soon alert was recorded for it. */
const DUE_SOON_HORIZON_MS = 2 * 24 * 3_600_000;

/**
 * `GET /api/feedback` over the feedback-list read model, ordered by received instant then id, cursor paged,
 * scoped to the units the caller serves (every unit that held an item sees it) unless reform office or admin.
 * `due=overdue`: a recorded overdue not retracted, or an owed deadline already passed; `due=due-soon`: an
 * owed deadline not yet passed with a due-soon alert recorded, or within two days.
 */
@QueryHandler(ListFeedbackQuery)
export class ListFeedbackHandler implements IQueryHandler<ListFeedbackQuery, FeedbackListPage> {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ criteria, caller }: ListFeedbackQuery): Promise<FeedbackListPage> {
    const limit = criteria.limit ?? 50;
    const scopes = scopesOf(criteria, caller);
    const generation = await this.store.activeGeneration(P);
    if (generation === undefined || scopes.length === 0)
      return { items: [], nextCursor: null, asOfPosition: null };
    const status = await this.store.status(P, generation);
    const nowMs = this.clock.now().getTime();
    const [min, max] = lexRange(criteria);
    let members: string[];
    if (!criteria.due) {
      const set = (scope: string) => (criteria.status ? `${scope}:status:${criteria.status}` : scope);
      const lists = await Promise.all(
        scopes.map((s) => this.store.membersByLex(P, generation, set(s), min, max, limit + 1)),
      );
      members = [...new Set(lists.flat())].sort().slice(0, limit + 1);
    } else {
      const inRange = (m: string) =>
        (min === '-' || m > min.slice(1) || (min[0] === '[' && m === min.slice(1))) &&
        (max === '+' || m < max.slice(1));
      const found = new Set<string>();
      for (const s of scopes) {
        const lists =
          criteria.due === 'overdue'
            ? await Promise.all([
                this.store.membersByLex(P, generation, `${s}:overdue`, min, max, -1),
                this.store.membersByScore(P, generation, `${s}:running`, -Infinity, nowMs - 1),
              ])
            : await Promise.all([
                this.store.membersByLex(P, generation, `${s}:alerted`, min, max, -1),
                this.store.membersByScore(P, generation, `${s}:running`, nowMs, nowMs + DUE_SOON_HORIZON_MS),
              ]);
        for (const m of lists.flat()) if (inRange(m)) found.add(m);
      }
      members = [...found].sort();
    }
    const docs = (
      await this.store.documents<FeedbackListDoc | null>(P, generation, members.map(idOf))
    ).filter(
      (d): d is FeedbackListDoc =>
        d !== undefined &&
        d !== null &&
        (!criteria.status || d.status === criteria.status) &&
        (criteria.due !== 'due-soon' || (d.owed !== null && !d.overdue && instantMs(d.owed.dueAt) >= nowMs)),
    );
    const rows = docs.slice(0, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((d) => ({ ...d, pastDue: d.owed !== null && instantMs(d.owed.dueAt) < nowMs })),
      nextCursor: rows.length > limit ? encodeCursor(feedbackSortKey(page[page.length - 1])) : null,
      asOfPosition: status?.checkpoint.position?.toString() ?? null,
    };
  }
}

function scopesOf(criteria: ListFeedbackCriteria, caller: Caller): string[] {
  if (criteria.unitId) {
    assertUnitAccess(caller, 'read', criteria.unitId);
    return [`unit:${criteria.unitId}`];
  }
  const units = visibleUnits(caller);
  return units === 'all' ? ['all'] : units.map((u) => `unit:${u}`);
}

function lexRange(c: ListFeedbackCriteria): [string, string] {
  let min = c.receivedFrom ? `[${sortKeyFloor(Date.parse(c.receivedFrom))}` : '-';
  const after = c.cursor ? decodeCursor(c.cursor) : undefined;
  if (after !== undefined && (min === '-' || after >= min.slice(1))) min = `(${after}`;
  const max = c.receivedTo ? `(${sortKeyFloor(Date.parse(c.receivedTo) + 1)}` : '+';
  return [min, max];
}
