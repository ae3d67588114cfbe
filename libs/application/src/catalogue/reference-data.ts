import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import type { Event } from '@tracker/domain';
import { LOG_IDENTITY, LogIdentity } from '../log-identity';
import { EVENT_LOG_PROBE, type EventLogProbe } from '../projections/projection-store.port';
import { EVENT_FEED, EventFeed, FeedSubscription } from '../ports/event-feed.port';
import {
  REFERENCE_DATA_SNAPSHOTS,
  ReferenceDataSnapshots,
  type ReferenceEventRecord,
} from '../ports/reference-data.snapshots.port';
import { CalendarProvider } from './calendar.provider';
import { CATALOGUE_STREAM_PREFIXES, CatalogueReader } from './catalogue.reader';
import { PUBLICATION_STREAM_PREFIX, PublicationsReader } from './publications';

/**
 * The reference data every request may need (units, procedures, calendar years, publication decisions) in
 * memory, fed by one catch-up subscription to `$all` filtered to their few streams. The process starts
 * serving at once; `ready` settles once the subscription has caught up: until then `/api/health` answers 503
 * (`status: "starting"`) and other API routes 503 with `Retry-After`, since lists and scorecards would miss
 * what is not loaded yet.
 *
 * Each catch-up ends with a snapshot (ReferenceDataSnapshots): the reference events delivered so far and a
 * `$all` position up to which they are all of them. The next start replays those events and catches up after
 * that position only, instead of over the whole log. A snapshot of another log (its identity differs, as
 * after a restore) or one beyond the log's head is ignored for a catch-up from the start.
 */
@Injectable()
export class ReferenceData implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reference-data');
  private subscription?: FeedSubscription;
  private stopped = false;
  private loaded = false;
  private markLoaded!: () => void;
  /** The reference events applied so far, in `$all` order (what a snapshot stores). */
  private events: ReferenceEventRecord[] = [];
  /** Settles once every reference event recorded before the subscription started has been applied. */
  readonly ready = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(
    @Inject(EVENT_FEED) private readonly feed: EventFeed,
    private readonly catalogue: CatalogueReader,
    private readonly publications: PublicationsReader,
    private readonly calendars: CalendarProvider,
    @Optional() @Inject(REFERENCE_DATA_SNAPSHOTS) private readonly snapshots?: ReferenceDataSnapshots,
    @Optional() @Inject(LOG_IDENTITY) private readonly identity?: LogIdentity,
    @Optional() @Inject(EVENT_LOG_PROBE) private readonly probe?: EventLogProbe,
  ) {}

  get isReady(): boolean {
    return this.loaded;
  }

  onApplicationBootstrap(): void {
    void this.start().catch((error: unknown) =>
      this.logger.error(`reference data: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private async start(): Promise<void> {
    const started = performance.now();
    // Whatever goes wrong here (Redis, the log's identity), the catch-up from the start still runs.
    const resume = await this.resume().catch((error: unknown) => {
      this.logger.warn(
        `reference snapshot not used: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    });
    if (this.stopped) return;
    const replayed = this.events.length;
    let events = 0;
    this.subscription = this.feed.subscribe<Event>(
      {
        streamPrefixes: [...CATALOGUE_STREAM_PREFIXES, PUBLICATION_STREAM_PREFIX],
        ...(resume ? { after: resume.after } : {}),
      },
      {
        onEvent: ({ event, streamName, revision, position }) => {
          events++;
          this.apply(streamName, event, revision);
          this.events.push({
            streamName,
            revision: String(revision),
            position: String(position),
            type: event.type,
            data: event.data,
          });
        },
        onCaughtUp: () => {
          this.calendars.markLive();
          this.loaded = true;
          this.logger.log(
            `reference data loaded: ${resume ? `${replayed} events from its snapshot and ` : ''}${events} events ` +
              `from the log in ${Math.round(performance.now() - started)} ms`,
          );
          this.markLoaded();
          if (resume) void this.save(resume.logId, resume.head);
        },
        onError: (error) => this.logger.error(`reference data feed: ${error.message}`),
      },
    );
  }

  private apply(streamName: string, event: Event, revision: bigint): void {
    if (streamName.startsWith(PUBLICATION_STREAM_PREFIX)) this.publications.apply(streamName, event);
    else this.catalogue.apply(streamName, event, revision);
  }

  /**
   * The log's identity (recorded if missing, as LogIdentityBootstrap does) and head before subscribing (every reference event up to the head is delivered by
   * the catch-up: a snapshot may then claim it), and the saved events replayed when the snapshot is of this
   * log. Undefined without snapshots, an identity or a probe of the log: a plain catch-up from the start, nothing saved.
   */
  private async resume(): Promise<{ logId: string; head: bigint; after?: bigint } | undefined> {
    if (!this.snapshots || !this.identity || !this.probe) return undefined;
    const [logId, head, saved] = await Promise.all([
      this.identity.ensure(),
      this.probe.headPosition(),
      this.snapshots.load().catch((error: unknown) => {
        this.logger.warn(
          `reference snapshot not read: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }),
    ]);
    if (!saved || saved.logId !== logId || BigInt(saved.position) > head) return { logId, head };
    for (const e of saved.events) {
      this.apply(e.streamName, { type: e.type, data: e.data } as Event, BigInt(e.revision));
    }
    this.events = [...saved.events];
    return { logId, head, after: BigInt(saved.position) };
  }

  /** Every reference event up to the head read before subscribing, or to the last one applied, is held. */
  private async save(logId: string, head: bigint): Promise<void> {
    const last = this.events.length ? BigInt(this.events[this.events.length - 1].position) : -1n;
    const position = String(last > head ? last : head);
    await this.snapshots!.save({ logId, position, events: this.events }).catch((error: unknown) =>
      this.logger.warn(
        `reference snapshot not saved: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }
}
