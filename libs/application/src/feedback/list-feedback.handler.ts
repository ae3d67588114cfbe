import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { instantMs } from '@tracker/domain';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CLOCK, Clock } from '../ports/clock.port';
import {
  feedbackListProjection,
  feedbackSortKey,
  type FeedbackListDoc,
} from '../projections/feedback-list.projection';
import { PROJECTION_STORE, ProjectionStore } from '../projections/projection-store.port';
import { readListPage, type ScopedList } from '../projections/scoped-list';
import { FeedbackListPage, ListFeedbackQuery } from './list-feedback.query';

/** Due soon: the owed deadline falls within this many ms, or a due-soon alert was recorded for it. */
const DUE_SOON_HORIZON_MS = 2 * 24 * 3_600_000;

const FEEDBACK_LIST: ScopedList<FeedbackListDoc> = {
  projection: feedbackListProjection,
  sortKey: feedbackSortKey,
  status: (d) => d.status,
  dueSoonUntil: async (nowMs) => nowMs + DUE_SOON_HORIZON_MS,
  stillDueSoon: (d, nowMs) => d.owed !== null && !d.overdue && instantMs(d.owed.dueAt) >= nowMs,
};

/**
 * `GET /api/feedback` over the feedback-list read model (readListPage), ordered by received instant then id,
 * cursor paged, scoped to the units the caller serves (every unit that held an item sees it) unless reform
 * office or admin. `due=overdue`: a recorded overdue not retracted, or an owed deadline already passed;
 * `due=due-soon`: an owed deadline not yet passed with a due-soon alert recorded, or within two days.
 */
@QueryHandler(ListFeedbackQuery)
export class ListFeedbackHandler implements IQueryHandler<ListFeedbackQuery, FeedbackListPage> {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({ criteria, caller }: ListFeedbackQuery): Promise<FeedbackListPage> {
    const nowMs = this.clock.now().getTime();
    const { rows, ...page } = await readListPage(
      FEEDBACK_LIST,
      this.store,
      this.catalogue,
      criteria,
      caller,
      nowMs,
    );
    return {
      items: rows.map((d) => ({ ...d, pastDue: d.owed !== null && instantMs(d.owed.dueAt) < nowMs })),
      ...page,
    };
  }
}
