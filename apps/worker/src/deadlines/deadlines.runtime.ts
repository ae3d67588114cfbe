import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Provider,
} from '@nestjs/common';
import {
  CLOCK,
  CalendarProvider,
  Clock,
  DEADLINE_OPTIONS,
  DeadlineFlagger,
  DeadlineOptions,
  DeadlineSchedulingReactor,
  DeadlineSweep,
  EVENT_STORE,
  EventStore,
  PROJECTION_STORE,
  ProjectionStore,
  ProjectionWorker,
  SweepReport,
  VersionedCalendars,
  alertsProjection,
  deadlineSchedulingProjection,
  projectionId,
  type AnyProjection,
} from '@tracker/application';
import {
  BullmqDeadlineScheduler,
  DeadlineProcessor,
  DeadlineSweepScheduler,
  ENVIRONMENT,
  Environment,
  bullConnection,
  bullPrefix,
  closeRedis,
} from '@tracker/infrastructure';
import type { Redis } from 'ioredis';

/**
 * The deadline machinery of a worker: the scheduling reactor (on the projection runner), the BullMQ
 * processor that flags dossiers when their jobs fire, and the repeatable repair sweep.
 */
@Injectable()
export class DeadlinesRuntime implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('deadlines');
  private connection!: Redis;
  scheduler!: BullmqDeadlineScheduler;
  flagger!: DeadlineFlagger;
  sweep!: DeadlineSweep;
  private processor?: DeadlineProcessor;
  private sweeper?: DeadlineSweepScheduler;

  constructor(
    @Inject(ENVIRONMENT) private readonly env: Environment,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_STORE) private readonly projections: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DEADLINE_OPTIONS) private readonly options: DeadlineOptions,
    private readonly calendars: CalendarProvider,
    private readonly worker: ProjectionWorker,
  ) {}

  onModuleInit(): void {
    const prefix = bullPrefix(this.env.REDIS_KEY_PREFIX);
    this.connection = bullConnection(this.env.REDIS_URL);
    this.scheduler = new BullmqDeadlineScheduler(this.connection, prefix);
    this.flagger = new DeadlineFlagger(this.store, this.clock);
    this.worker.register(
      new DeadlineSchedulingReactor(
        this.projections,
        this.scheduler,
        new VersionedCalendars(this.calendars),
        this.clock,
        this.options.policy,
      ),
    );
    const everyMs = this.options.sweepEveryMs ?? 60_000;
    this.sweep = new DeadlineSweep(
      this.projections,
      this.scheduler,
      this.flagger,
      this.clock,
      { restartLost: () => this.restartLost() },
      {
        horizonMs: Math.max(this.options.sweepHorizonMs ?? 3_600_000, 2 * everyMs),
        graceMs: this.options.sweepGraceMs ?? 5_000,
      },
    );
    this.processor = new DeadlineProcessor(
      this.flagger,
      () => this.clock.now().getTime(),
      this.connection,
      prefix,
      this.options.concurrency ?? 32,
    );
    this.sweeper = new DeadlineSweepScheduler(this.sweep, this.connection, prefix, everyMs, (r) =>
      this.report(r),
    );
  }

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away, start-up goes on (the API answers 503) and the sweep starts when it is back.
    void this.sweeper?.start().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    const reactor = this.worker.runner(projectionId(deadlineSchedulingProjection));
    if (this.connection.status !== 'ready') {
      // Redis away: BullMQ's closes would wait for it. Drop the connection and give them all one moment.
      this.connection.disconnect();
      const closing = [
        reactor?.stop(),
        this.sweeper?.close(),
        this.processor?.close(),
        this.scheduler.close(),
      ];
      await Promise.race([Promise.allSettled(closing), new Promise((r) => setTimeout(r, 2_000).unref())]);
      return;
    }
    // The reactor uses the queue: stop it before closing the queue.
    await reactor?.stop();
    await this.sweeper?.close();
    await this.processor?.close();
    await this.scheduler.close();
    await closeRedis(this.connection);
  }

  /**
   * Redis lost our read models (a flush, a new server): the runners do not notice until their next commit,
   * which may never come on a quiet day. Restart those whose checkpoint vanished: they replay from the start.
   */
  async restartLost(): Promise<boolean> {
    let restarted = false;
    for (const projection of [deadlineSchedulingProjection, alertsProjection] as AnyProjection[]) {
      const runner = this.worker.runner(projectionId(projection));
      if (!runner || runner.status().position === undefined) continue;
      const status = await this.projections.status(projection);
      if (status?.checkpoint.position !== undefined) continue;
      this.logger.warn(`${projectionId(projection)}: checkpoint gone from Redis; replaying from the start`);
      await runner.stop();
      runner.start();
      restarted = true;
    }
    return restarted;
  }

  private report(r: SweepReport): void {
    if (r.restarted || r.rescheduled || r.promoted || r.recorded) {
      this.logger.log(
        `sweep: ${r.restarted ? 'restarted lost subscriptions; ' : ''}${r.rescheduled} jobs re-added, ${r.promoted} late jobs run, ${r.recorded}/${r.flagged} overdue recorded`,
      );
    }
  }
}

export function deadlineWorkerProviders(options: DeadlineOptions | false = {}): Provider[] {
  if (options === false) return [];
  return [{ provide: DEADLINE_OPTIONS, useValue: options }, CalendarProvider, DeadlinesRuntime];
}
