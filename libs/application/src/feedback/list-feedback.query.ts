import { Query } from '@nestjs/cqrs';
import type { FeedbackStatus } from '@tracker/domain';
import type { Caller } from '../access/caller';
import type { FeedbackListDoc } from '../projections/feedback-list.projection';
import type { ListCriteria } from '../projections/scoped-list';

export type ListFeedbackCriteria = ListCriteria<FeedbackStatus>;

export type FeedbackListItem = FeedbackListDoc & Readonly<{ pastDue: boolean }>;

export type FeedbackListPage = Readonly<{
  items: FeedbackListItem[];
  nextCursor: string | null;
  asOfPosition: string | null;
}>;

/** `GET /api/feedback`: a page of the feedback-list read model. */
export class ListFeedbackQuery extends Query<FeedbackListPage> {
  constructor(
    readonly criteria: ListFeedbackCriteria,
    readonly caller: Caller,
  ) {
    super();
  }
}
