import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { civilDateOf, instantFromMs, instantMs } from '@tracker/domain';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CLOCK, Clock } from '../ports/clock.port';
import {
  dossierListProjection,
  dossierSortKey,
  type DossierListDoc,
} from '../projections/dossier-list.projection';
import { PROJECTION_STORE, ProjectionStore } from '../projections/projection-store.port';
import { readListPage, type ScopedList } from '../projections/scoped-list';
import { DossierListItem, DossierListPage, ListDossiersQuery } from './list-dossiers.query';

/**
 * `GET /api/dossiers` over the `dossier-list` read model (readListPage): ordered by received instant then
 * code, cursor paged, scoped to the caller's units unless reform office or admin.
 *
 * `due=overdue`: a recorded overdue not retracted, or running (unfinished, clock not stopped) with its
 * effective due already passed (the overdue event may not be recorded yet).
 * `due=due-soon`: running, not past due, and either its effective due falls before the end of the next
 * working day (office hours, Asia/Ho_Chi_Minh working-day calendar) or a due-soon alert was recorded for its
 * current effective due.
 */
@QueryHandler(ListDossiersQuery)
export class ListDossiersHandler implements IQueryHandler<ListDossiersQuery, DossierListPage> {
  private readonly list: ScopedList<DossierListDoc> = {
    projection: dossierListProjection,
    sortKey: dossierSortKey,
    status: (d) => d.status,
    dueSoonUntil: (nowMs) => this.horizonMs(nowMs),
    stillDueSoon: (d, nowMs) => instantMs(d.effectiveDueAt, 'effectiveDueAt') >= nowMs,
  };

  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
  ) {}

  async execute({ criteria, caller }: ListDossiersQuery): Promise<DossierListPage> {
    const nowMs = this.clock.now().getTime();
    const { rows, ...page } = await readListPage(
      this.list,
      this.store,
      this.catalogue,
      criteria,
      caller,
      nowMs,
    );
    return { items: rows.map((d) => listItem(d, nowMs)), ...page };
  }

  /** The close of office hours on the next working day after today (Asia/Ho_Chi_Minh). */
  private async horizonMs(nowMs: number): Promise<number> {
    const { calendar } = await this.calendars.current(new Date(nowMs));
    const sessions = calendar.sessionsOn(calendar.nextWorkingDay(civilDateOf(instantFromMs(nowMs))));
    return sessions.length ? sessions[sessions.length - 1].endMs : nowMs + 24 * 3_600_000;
  }
}

function listItem({ running, ...row }: DossierListDoc, nowMs: number): DossierListItem {
  return { ...row, pastDue: running && instantMs(row.effectiveDueAt, 'effectiveDueAt') < nowMs };
}
