import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  DossierFactsCache,
  FeedbackFactsCache,
  PublicationsReader,
  ReferenceData,
} from '@tracker/application';

/**
 * Loads the scorecard's facts (the dossiers' table, the feedback items) in the background from the start,
 * beside the reference data's catch-up (they come from Redis, not the log: neither waits for the other), so
 * the first scorecard after a start does not pay for them; a request meanwhile waits for the same load. Once
 * the reference data is in, the publication items' deadlines are worked out too (the working-day calendars
 * behind them take a few hundred milliseconds the first time). A failure here is only logged: the next
 * request loads again.
 */
@Injectable()
export class ScorecardWarmUp implements OnApplicationBootstrap {
  private readonly logger = new Logger('scorecards');

  constructor(
    private readonly reference: ReferenceData,
    private readonly dossiers: DossierFactsCache,
    private readonly feedback: FeedbackFactsCache,
    private readonly publications: PublicationsReader,
  ) {}

  onApplicationBootstrap(): void {
    const started = performance.now();
    void this.reference.ready
      .then(() => this.publications.allItems())
      .catch((error: unknown) =>
        this.logger.warn(
          `publication items not worked out yet: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    void Promise.all([this.dossiers.current(), this.feedback.current()])
      .then(() =>
        this.logger.log(
          `scorecard facts loaded (${this.dossiers.size} dossiers from ${this.dossiers.lastLoad ?? 'nothing'}, ` +
            `${this.feedback.size} feedback items) ${Math.round(performance.now() - started)} ms after start` +
            (this.reference.isReady ? '' : ', before the reference data'),
        ),
      )
      .catch((error: unknown) =>
        this.logger.warn(
          `scorecard facts not loaded yet: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }
}
