import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { EVENT_FEED, EventFeed } from '../ports/event-feed.port';
import { AnyProjection, projectionId } from './projection';
import { PROJECTION_STORE, ProjectionStore } from './projection-store.port';
import { ProjectionSink } from './projection.sink';
import { SharedEventFeed } from './shared-event-feed';
import { SubscriptionRunner, SubscriptionRunnerOptions, SubscriptionSink } from './subscription.runner';

export const WORKER_PROJECTIONS = Symbol('WORKER_PROJECTIONS');
export const WORKER_RUNNER_OPTIONS = Symbol('WORKER_RUNNER_OPTIONS');

/**
 * Runs one SubscriptionRunner per projection (and per registered reactor sink) for the life of the
 * application: started at bootstrap, stopped (last batch committed) at shutdown. Run one worker per
 * deployment: a second one is harmless (its commits fail on the moved checkpoint and it resumes), only wasteful.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly lastError = new Map<string, { message: string; at: number }>();
  private readonly runners = new Map<string, SubscriptionRunner>();
  private started = false;
  /** Every runner reads `$all` through one shared subscription: read and decoded once for all of them. */
  private readonly shared: SharedEventFeed;

  constructor(
    @Inject(EVENT_FEED) feed: EventFeed,
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(WORKER_PROJECTIONS) private readonly projections: readonly AnyProjection[],
    @Optional() @Inject(WORKER_RUNNER_OPTIONS) private readonly options: SubscriptionRunnerOptions = {},
  ) {
    this.shared = new SharedEventFeed(feed);
  }

  /** Adds a sink (a reactor) to run beside the projections; call it before bootstrap ends (onModuleInit). */
  register(sink: SubscriptionSink, options?: SubscriptionRunnerOptions): SubscriptionRunner {
    if (this.runners.has(sink.name))
      throw new Error(`a subscription named ${sink.name} is already registered`);
    const runner = new SubscriptionRunner(this.shared, sink, {
      onError: (error, name) => {
        // Redis away: its outage line (one per process) says so already.
        if (
          error.name === 'MaxRetriesPerRequestError' ||
          (error as { code?: unknown }).code === 'ECONNREFUSED'
        )
          return;
        // A runner retrying through an outage fails the same way each time: say it once (in 5 minutes).
        const last = this.lastError.get(name);
        if (last?.message === error.message && Date.now() - last.at < 300_000) return;
        this.lastError.set(name, { message: error.message, at: Date.now() });
        this.logger.warn(`${name}: ${error.message}; resuming from its checkpoint`);
      },
      ...this.options,
      ...options,
    });
    this.runners.set(sink.name, runner);
    if (this.started) runner.start();
    return runner;
  }

  onApplicationBootstrap(): void {
    for (const p of this.projections) {
      if (!this.runners.has(projectionId(p))) this.register(new ProjectionSink(p, this.store, 'active'));
    }
    this.started = true;
    for (const runner of this.runners.values()) runner.start();
    this.logger.log(`running ${[...this.runners.keys()].join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  runner(name: string): SubscriptionRunner | undefined {
    return this.runners.get(name);
  }

  statuses() {
    return [...this.runners.values()].map((r) => r.status());
  }
}
