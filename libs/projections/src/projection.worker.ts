import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import {
  EVENT_FEED,
  EVENT_STORE,
  LOG_IDENTITY,
  PROJECTION_STORE,
  ProjectionSkips,
  projectionId,
  type AnyProjection,
  type BoundProjection,
  type EventFeed,
  type EventStore,
  type LogIdentity,
  type ProjectionStore,
} from '@tracker/application';
import { ProjectionSink } from './projection.sink';
import { SharedEventFeed } from './shared-event-feed';
import { SubscriptionRunner, SubscriptionRunnerOptions } from './subscription.runner';

export const WORKER_PROJECTIONS = Symbol('WORKER_PROJECTIONS');
export const WORKER_RUNNER_OPTIONS = Symbol('WORKER_RUNNER_OPTIONS');

/**
 * Runs one SubscriptionRunner per projection (the registry's, bound to this process's adapters) for the
 * life of the application: started at bootstrap, stopped (last batch committed) at shutdown. Run one worker
 * per deployment: a second one is harmless (its commits fail on the moved checkpoint and it resumes), only
 * wasteful.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly lastError = new Map<string, { message: string; at: number }>();
  private readonly runners = new Map<string, SubscriptionRunner>();
  /** Every runner reads `$all` through one shared subscription: read and decoded once for all of them. */
  private readonly shared: SharedEventFeed;
  private readonly skips: ProjectionSkips;

  constructor(
    @Inject(EVENT_FEED) feed: EventFeed,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(WORKER_PROJECTIONS) private readonly projections: readonly BoundProjection[],
    @Optional() @Inject(WORKER_RUNNER_OPTIONS) private readonly options: SubscriptionRunnerOptions = {},
    /** The log's identity: every sink checks at each (re)start that its read model was built from this log. */
    @Optional() @Inject(LOG_IDENTITY) readonly identity?: LogIdentity,
  ) {
    // Together the registry's projections take most of `$all`: its history is read in plain pages.
    this.shared = new SharedEventFeed(feed, { wide: true });
    this.skips = new ProjectionSkips(events);
    for (const { projection, hooks } of this.projections) {
      const sink = new ProjectionSink(projection, this.store, {
        hooks,
        skips: this.skips,
        source: this.events,
        ...(identity ? { identity, log: (line: string) => this.logger.warn(line) } : {}),
      });
      this.runners.set(
        sink.name,
        new SubscriptionRunner(this.shared, sink, {
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
          onPoison: (poison, name) =>
            this.logger.error(
              `${name}: stopped at ${poison.position} (${poison.error}); the others go on. After fixing or ` +
                `deciding: npm run projections:skip -- ${name} ${poison.position} --reason "…"`,
            ),
          ...this.options,
        }),
      );
    }
  }

  onApplicationBootstrap(): void {
    for (const runner of this.runners.values()) runner.start();
    this.logger.log(`running ${[...this.runners.keys()].join(', ')}`);
    for (const { projection } of this.projections) void this.dropRetiredOnceCaughtUp(projection);
  }

  /**
   * A version bump rebuilds beside the old version's read model; once the new one has caught up nothing reads
   * the old one (this version's API reads this version's), so it is deleted rather than left in Redis for good.
   */
  private async dropRetiredOnceCaughtUp(projection: AnyProjection): Promise<void> {
    const id = projectionId(projection);
    try {
      await this.runners.get(id)!.whenCaughtUp();
      const dropped = await this.store.dropRetiredVersions(projection);
      if (dropped.length)
        this.logger.log(`${id} has caught up: deleted the read models of ${dropped.join(', ')}`);
    } catch (error) {
      this.logger.warn(
        `${id}: earlier versions' read models not deleted (${error instanceof Error ? error.message : String(error)})`,
      );
    }
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

  /**
   * Redis lost our read models (a flush, a new server): the runners do not notice until their next commit,
   * which may never come on a quiet day. Restarts those whose checkpoint vanished: they replay from the
   * start. (The deadline sweep calls it: its index and the alerts must come back without new events.)
   */
  async restartLost(): Promise<boolean> {
    let restarted = false;
    for (const { projection } of this.projections) {
      const runner = this.runners.get(projectionId(projection));
      if (!runner || runner.status().position === undefined) continue;
      const status = await this.store.status(projection);
      if (status?.checkpoint.position !== undefined) continue;
      this.logger.warn(`${projectionId(projection)}: checkpoint gone from Redis; replaying from the start`);
      await runner.stop();
      runner.start();
      restarted = true;
    }
    return restarted;
  }
}
