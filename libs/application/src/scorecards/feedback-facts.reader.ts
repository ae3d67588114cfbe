import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  Event,
  FeedbackEvent,
  FeedbackFacts,
  FeedbackState,
  evolveFeedback,
  feedbackFactsOf,
  initialFeedbackState,
  instantMs,
  type SubjectMark,
} from '@tracker/domain';
import { EVENT_FEED, EventFeed, FeedSubscription } from '../ports/event-feed.port';

/**
 * Every feedback item's scoring facts (5.1, 5.2, 5.3 v2) in memory, fed by a catch-up subscription to the
 * `feedback-` streams that the application waits for at start-up; an item's facts are derived again only
 * after an event of its own, so a scorecard reads a ready list.
 */
@Injectable()
export class FeedbackFactsReader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('feedback-facts');
  private readonly states = new Map<string, FeedbackState>();
  private readonly facts = new Map<string, FeedbackFacts>();
  private readonly dirty = new Set<string>();
  private list: FeedbackFacts[] | null = [];
  /** Items naming a dossier, in the order the feed delivered them (append-only: see FactsTable). */
  readonly subjects: SubjectMark[] = [];
  private subscription?: FeedSubscription;

  constructor(@Inject(EVENT_FEED) private readonly feed: EventFeed) {}

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.subscription = this.feed.subscribe<Event>(
        { streamPrefixes: ['feedback-'] },
        {
          onEvent: ({ event, streamName }) => this.apply(streamName, event),
          onCaughtUp: () => resolve(),
          onError: (error) => this.logger.error(`feedback facts feed: ${error.message}`),
        },
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  apply(streamName: string, event: Event): void {
    if (!streamName.startsWith('feedback-')) return;
    const id = streamName.slice('feedback-'.length);
    const e = event as FeedbackEvent;
    this.states.set(id, evolveFeedback(this.states.get(id) ?? initialFeedbackState(), e));
    if (e.type === 'FeedbackReceived' && e.data.dossierCode)
      this.subjects.push({ dossierCode: e.data.dossierCode, at: instantMs(e.data.receivedAt, 'receivedAt') });
    this.dirty.add(id);
    this.list = null;
  }

  /** All items' facts as the feed has delivered them. */
  current(): readonly FeedbackFacts[] {
    if (this.list !== null) return this.list;
    for (const id of this.dirty) {
      const f = feedbackFactsOf(this.states.get(id)!);
      if (f === null) this.facts.delete(id);
      else this.facts.set(id, f);
    }
    this.dirty.clear();
    this.list = [...this.facts.values()];
    return this.list;
  }
}
