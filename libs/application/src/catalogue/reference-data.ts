import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Event } from '@tracker/domain';
import { EVENT_FEED, EventFeed, FeedSubscription } from '../ports/event-feed.port';
import { CalendarProvider } from './calendar.provider';
import { CATALOGUE_STREAM_PREFIXES, CatalogueReader } from './catalogue.reader';
import { PUBLICATION_STREAM_PREFIX, PublicationsReader } from './publications';

/**
 * The reference data every request may need (units, procedures, calendar years, publication decisions) in
 * memory, fed by one catch-up subscription to `$all` filtered to their few streams. The process starts
 * serving at once; `ready` settles once the subscription has caught up: until then `/api/health` answers 503
 * (`status: "starting"`) and other API routes 503 with `Retry-After`, since lists and scorecards would miss
 * what is not loaded yet.
 */
@Injectable()
export class ReferenceData implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reference-data');
  private subscription?: FeedSubscription;
  private loaded = false;
  private markLoaded!: () => void;
  /** Settles once every reference event recorded before the subscription started has been applied. */
  readonly ready = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(
    @Inject(EVENT_FEED) private readonly feed: EventFeed,
    private readonly catalogue: CatalogueReader,
    private readonly publications: PublicationsReader,
    private readonly calendars: CalendarProvider,
  ) {}

  get isReady(): boolean {
    return this.loaded;
  }

  onApplicationBootstrap(): void {
    const started = performance.now();
    let events = 0;
    this.subscription = this.feed.subscribe<Event>(
      { streamPrefixes: [...CATALOGUE_STREAM_PREFIXES, PUBLICATION_STREAM_PREFIX] },
      {
        onEvent: ({ event, streamName, revision }) => {
          events++;
          if (streamName.startsWith(PUBLICATION_STREAM_PREFIX)) this.publications.apply(streamName, event);
          else this.catalogue.apply(streamName, event, revision);
        },
        onCaughtUp: () => {
          this.calendars.markLive();
          this.loaded = true;
          this.logger.log(
            `reference data loaded: ${events} events in ${Math.round(performance.now() - started)} ms`,
          );
          this.markLoaded();
        },
        onError: (error) => this.logger.error(`reference data feed: ${error.message}`),
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
