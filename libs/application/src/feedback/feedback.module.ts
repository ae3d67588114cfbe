import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application.module';
import { FeedbackFactsCache } from '../scorecards/feedback-facts.cache';
import { GetFeedbackHandler } from './get-feedback.handler';
import { ListFeedbackHandler } from './list-feedback.handler';
import { ReceiveFeedbackHandler } from './receive-feedback.handler';
import { RecordFeedbackStepHandler } from './record-feedback-step.handler';

/** The feedback (PAKN) use cases (need EVENT_STORE, PROJECTION_STORE, FEEDBACK_FACTS_SOURCE and CLOCK bound). */
@Module({
  imports: [ApplicationModule],
  providers: [
    ReceiveFeedbackHandler,
    RecordFeedbackStepHandler,
    GetFeedbackHandler,
    ListFeedbackHandler,
    FeedbackFactsCache,
  ],
  exports: [FeedbackFactsCache],
})
export class FeedbackModule {}
