import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application.module';
import { GetFeedbackHandler } from './get-feedback.handler';
import { ListFeedbackHandler } from './list-feedback.handler';
import { ReceiveFeedbackHandler } from './receive-feedback.handler';
import { RecordFeedbackStepHandler } from './record-feedback-step.handler';

/** The feedback (PAKN) use cases (need EVENT_STORE, PROJECTION_STORE and CLOCK bound). The feedback facts'
 * cache lives in ApplicationModule, beside the dossiers', for the scorecard. */
@Module({
  imports: [ApplicationModule],
  providers: [ReceiveFeedbackHandler, RecordFeedbackStepHandler, GetFeedbackHandler, ListFeedbackHandler],
})
export class FeedbackModule {}
