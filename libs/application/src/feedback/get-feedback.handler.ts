import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  assertFeedbackAccess,
  feedbackDecider,
  feedbackStreamName,
  isFeedback,
  type FeedbackEvent,
} from '@tracker/domain';
import { historyOf } from '../command-handling/stream-history';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { FeedbackView, GetFeedbackQuery } from './feedback.commands';
import { unitsOf } from './record-feedback-step.handler';

/** A feedback item's state and history, read from its stream (the source of truth). */
@QueryHandler(GetFeedbackQuery)
export class GetFeedbackHandler implements IQueryHandler<GetFeedbackQuery, FeedbackView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ id, caller }: GetFeedbackQuery): Promise<FeedbackView> {
    const { events } = await this.store.readStream<FeedbackEvent>(feedbackStreamName(id));
    const state = events.reduce((s, r) => feedbackDecider.evolve(s, r.event), feedbackDecider.initialState());
    assertFeedbackAccess(caller, 'read', id, isFeedback(state) ? unitsOf(state) : null);
    if (!isFeedback(state)) throw new Error('unreachable: access to no feedback item was granted');
    const { timeline: _timeline, eventCount: _count, ...rest } = state;
    return {
      ...rest,
      revision: events.length - 1,
      history: historyOf(events),
    };
  }
}
