import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import {
  ALERT_FEED,
  CHECKPOINT_STORE,
  CLOCK,
  Clock,
  DOSSIER_FACTS_SOURCE,
  EVENT_FEED,
  EVENT_LOG_PROBE,
  EVENT_STORE,
  FACTS_TABLE_SNAPSHOTS,
  FEEDBACK_TABLE_SNAPSHOTS,
  FEEDBACK_FACTS_SOURCE,
  REFERENCE_DATA_SNAPSHOTS,
  IDEMPOTENCY_STORE,
  LOG_IDENTITY,
  LogIdentity,
  PORTAL_PUSH_QUEUE,
  PORTAL_SYNC_ENABLED,
  PORTAL_SYNC_FAILURES,
  PROJECTION_STORE,
  dossierFactsProjection,
  feedbackFactsProjection,
  type EventStore,
} from '@tracker/application';
import type { FeedbackFacts } from '@tracker/domain';
import { bullConnection, bullPrefix } from './bullmq/bullmq-connection';
import { BullmqPortalPushQueue, type PortalPushRetry } from './portal/bullmq-portal-push.queue';
import { RedisPortalSyncFailures } from './portal/redis-portal-sync-failures';
import { Redis } from 'ioredis';
import { Environment } from './config/environment';
import { EsdbEventStore } from './esdb/esdb-event-store.adapter';
import { EsdbEventFeed } from './esdb/esdb-event-feed.adapter';
import { EventStoreConnection, connectEventStore } from './esdb/event-store-connection';
import { SystemClock } from './clock/system-clock.adapter';
import { RedisIdempotencyStore } from './redis/redis-idempotency.store';
import { RedisAlertFeed } from './bullmq/redis-alert-feed.adapter';
import { RedisCheckpointStore, RedisProjectionStore } from './redis/redis-projection.store';
import { RedisDossierFactsSource } from './redis/redis-dossier-facts.source';
import { RedisFactsTableSnapshots } from './redis/redis-facts-table.snapshots';
import { RedisFeedbackTableSnapshots } from './redis/redis-feedback-table.snapshots';
import { RedisReferenceDataSnapshots } from './redis/redis-reference-data.snapshots';
import { closeRedis, watchRedis } from './unavailable';

export const ENVIRONMENT = Symbol('ENVIRONMENT');
export const EVENT_STORE_CONNECTION = Symbol('EVENT_STORE_CONNECTION');
export const REDIS = Symbol('REDIS');

export type InfrastructureOptions = Readonly<{
  env: Environment;
  /** Replaces the system clock (tests move time). */
  clock?: Clock;
  /** Reuse an already open event store connection (tests, the all-in-one process). */
  eventStore?: EventStoreConnection;
  /** Attempts and backoff of the national portal's pushes (tests shorten them). */
  portalRetry?: PortalPushRetry;
}>;

/** The portal push queue, when NATIONAL_PORTAL_* is set: closed with the application. */
@Injectable()
class PortalQueueLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PORTAL_PUSH_QUEUE) private readonly queue: BullmqPortalPushQueue | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.queue) return;
    const connection = this.queue.queue.opts.connection as Redis;
    await this.queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}

@Injectable()
class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE_CONNECTION) private readonly eventStore: EventStoreConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject('OWNS_EVENT_STORE') private readonly ownsEventStore: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
    if (this.ownsEventStore) await this.eventStore.close();
  }
}

/**
 * At the first start on an empty log, record its identity (log-identity.ts) whichever process comes first;
 * two at once both adopt the one that was written. Not fatal: the worker's subscriptions insist.
 */
@Injectable()
class LogIdentityBootstrap implements OnApplicationBootstrap {
  constructor(@Inject(LOG_IDENTITY) private readonly identity: LogIdentity) {}

  onApplicationBootstrap(): void {
    void this.identity
      .ensure()
      .catch((error: Error) => new Logger('log-identity').warn(`not recorded yet: ${error.message}`));
  }
}

/** Adapters, one per port, and the lifecycles of the clients behind them. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    const { env } = options;
    const providers: Provider[] = [
      { provide: ENVIRONMENT, useValue: env },
      { provide: 'OWNS_EVENT_STORE', useValue: !options.eventStore },
      {
        provide: EVENT_STORE_CONNECTION,
        useFactory: () =>
          options.eventStore ??
          connectEventStore({
            connectionString: env.EVENTSTORE_CONNECTION_STRING,
            dataDir: env.EVENTSTORE_DATA_DIR,
          }),
      },
      {
        provide: EVENT_STORE,
        useFactory: (c: EventStoreConnection) =>
          new EsdbEventStore(c.client, { appendDeadlineMs: env.EVENTSTORE_DEADLINE_MS }),
        inject: [EVENT_STORE_CONNECTION],
      },
      {
        provide: EVENT_FEED,
        useFactory: (c: EventStoreConnection) => new EsdbEventFeed(c.client),
        inject: [EVENT_STORE_CONNECTION],
      },
      {
        provide: REDIS,
        useFactory: () =>
          watchRedis(new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false })),
      },
      {
        provide: IDEMPOTENCY_STORE,
        useFactory: (redis: Redis) => new RedisIdempotencyStore(redis, `${env.REDIS_KEY_PREFIX}idem:`),
        inject: [REDIS],
      },
      { provide: EVENT_LOG_PROBE, useExisting: EVENT_FEED },
      {
        provide: LOG_IDENTITY,
        useFactory: (store: EventStore, feed: EsdbEventFeed) => {
          const logger = new Logger('log-identity');
          return new LogIdentity(store, feed, (line) => logger.log(line));
        },
        inject: [EVENT_STORE, EVENT_FEED],
      },
      {
        provide: PROJECTION_STORE,
        useFactory: (redis: Redis) => new RedisProjectionStore(redis, env.REDIS_KEY_PREFIX),
        inject: [REDIS],
      },
      {
        provide: CHECKPOINT_STORE,
        useFactory: (redis: Redis) => new RedisCheckpointStore(redis, env.REDIS_KEY_PREFIX),
        inject: [REDIS],
      },
      {
        provide: DOSSIER_FACTS_SOURCE,
        useFactory: (redis: Redis) =>
          new RedisDossierFactsSource(redis, env.REDIS_KEY_PREFIX, dossierFactsProjection),
        inject: [REDIS],
      },
      {
        provide: FACTS_TABLE_SNAPSHOTS,
        useFactory: (redis: Redis) =>
          new RedisFactsTableSnapshots(redis, env.REDIS_KEY_PREFIX, dossierFactsProjection),
        inject: [REDIS],
      },
      {
        provide: REFERENCE_DATA_SNAPSHOTS,
        useFactory: (redis: Redis) => new RedisReferenceDataSnapshots(redis, env.REDIS_KEY_PREFIX),
        inject: [REDIS],
      },
      {
        provide: FEEDBACK_FACTS_SOURCE,
        useFactory: (redis: Redis) =>
          new RedisDossierFactsSource<FeedbackFacts>(redis, env.REDIS_KEY_PREFIX, feedbackFactsProjection),
        inject: [REDIS],
      },
      {
        provide: FEEDBACK_TABLE_SNAPSHOTS,
        useFactory: (redis: Redis) =>
          new RedisFeedbackTableSnapshots(redis, env.REDIS_KEY_PREFIX, feedbackFactsProjection),
        inject: [REDIS],
      },
      {
        provide: ALERT_FEED,
        useFactory: (redis: Redis) => new RedisAlertFeed(redis, env.REDIS_KEY_PREFIX),
        inject: [REDIS],
      },
      {
        provide: PORTAL_SYNC_FAILURES,
        useFactory: (redis: Redis) => new RedisPortalSyncFailures(redis, env.REDIS_KEY_PREFIX),
        inject: [REDIS],
      },
      { provide: PORTAL_SYNC_ENABLED, useValue: env.nationalPortal !== undefined },
      {
        provide: PORTAL_PUSH_QUEUE,
        useFactory: () =>
          env.nationalPortal
            ? new BullmqPortalPushQueue(
                bullConnection(env.REDIS_URL),
                bullPrefix(env.REDIS_KEY_PREFIX),
                options.portalRetry,
              )
            : null,
      },
      PortalQueueLifecycle,
      { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
      ConnectionsLifecycle,
      LogIdentityBootstrap,
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: [
        ENVIRONMENT,
        EVENT_STORE_CONNECTION,
        EVENT_STORE,
        EVENT_FEED,
        REDIS,
        IDEMPOTENCY_STORE,
        DOSSIER_FACTS_SOURCE,
        FACTS_TABLE_SNAPSHOTS,
        REFERENCE_DATA_SNAPSHOTS,
        FEEDBACK_FACTS_SOURCE,
        FEEDBACK_TABLE_SNAPSHOTS,
        CLOCK,
        ALERT_FEED,
        PROJECTION_STORE,
        CHECKPOINT_STORE,
        EVENT_LOG_PROBE,
        PORTAL_SYNC_FAILURES,
        PORTAL_SYNC_ENABLED,
        PORTAL_PUSH_QUEUE,
        LOG_IDENTITY,
      ],
    };
  }
}
