import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
  Provider,
} from '@nestjs/common';
import {
  CLOCK,
  CalendarProvider,
  Clock,
  DEADLINE_OPTIONS,
  DeadlineFlagger,
  DeadlineOptions,
  DeadlineSweep,
  EVENT_STORE,
  EventStore,
  LOG_IDENTITY,
  LogIdentity,
  PROJECTION_STORE,
  ProjectionStore,
  SweepReport,
  VersionedCalendars,
  deadlineSchedulingProjection,
  feedbackDeadlineSchedulingProjection,
  projectionId,
  type DeadlineSchedulingDeps,
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
import { ProjectionWorker } from './projection.worker';

/** The BullMQ queue and the calendars: what deadline-scheduling.v1's effects and the processor use. */
@Injectable()
export class DeadlineJobs {
  readonly connection: Redis;
  readonly prefix: string;
  readonly scheduler: BullmqDeadlineScheduler;
  readonly projectionDeps: DeadlineSchedulingDeps;

  constructor(
    @Inject(ENVIRONMENT) env: Environment,
    @Inject(CLOCK) clock: Clock,
    @Inject(DEADLINE_OPTIONS) options: DeadlineOptions,
    calendars: CalendarProvider,
    @Optional() @Inject(LOG_IDENTITY) identity?: LogIdentity,
  ) {
    this.prefix = bullPrefix(env.REDIS_KEY_PREFIX);
    this.connection = bullConnection(env.REDIS_URL);
    // Job ids carry the log's id: another log's jobs (before a restore) never block or fire for this one.
    this.scheduler = new BullmqDeadlineScheduler(this.connection, this.prefix, () => identity?.current);
    this.projectionDeps = {
      scheduler: this.scheduler,
      calendars: new VersionedCalendars(calendars),
      clock,
      ...(options.policy ? { policy: options.policy } : {}),
    };
  }

  async close(): Promise<void> {
    await this.scheduler.close();
    await closeRedis(this.connection);
  }
}

/**
 * The deadline machinery of a worker besides deadline-scheduling.v1 (a projection the worker runs): the
 * BullMQ processor that flags dossiers when their jobs fire, and the repeatable repair sweep.
 */
@Injectable()
export class DeadlinesRuntime implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('deadlines');
  flagger!: DeadlineFlagger;
  sweep!: DeadlineSweep;
  private processor?: DeadlineProcessor;
  private sweeper?: DeadlineSweepScheduler;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_STORE) private readonly projections: ProjectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DEADLINE_OPTIONS) private readonly options: DeadlineOptions,
    private readonly jobs: DeadlineJobs,
    private readonly worker: ProjectionWorker,
  ) {}

  get scheduler(): BullmqDeadlineScheduler {
    return this.jobs.scheduler;
  }

  onModuleInit(): void {
    this.flagger = new DeadlineFlagger(this.store, this.clock);
    const identity = this.worker.identity;
    const everyMs = this.options.sweepEveryMs ?? 60_000;
    this.sweep = new DeadlineSweep(
      this.projections,
      this.jobs.scheduler,
      this.flagger,
      this.clock,
      { restartLost: () => this.worker.restartLost() },
      {
        horizonMs: Math.max(this.options.sweepHorizonMs ?? 3_600_000, 2 * everyMs),
        graceMs: this.options.sweepGraceMs ?? 5_000,
      },
      identity && (() => identity.current),
    );
    this.processor = new DeadlineProcessor(
      this.flagger,
      () => this.clock.now().getTime(),
      this.jobs.connection,
      this.jobs.prefix,
      this.options.concurrency ?? 32,
      identity,
    );
    this.sweeper = new DeadlineSweepScheduler(
      this.sweep,
      this.jobs.connection,
      this.jobs.prefix,
      everyMs,
      (r) => this.report(r),
    );
  }

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away, start-up goes on (the API answers 503) and the sweep starts when it is back.
    void this.sweeper?.start().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    // The dossiers' and the feedback's deadline plans: their effects use the queue.
    const planners = [deadlineSchedulingProjection, feedbackDeadlineSchedulingProjection].map((p) =>
      this.worker.runner(projectionId(p)),
    );
    if (this.jobs.connection.status !== 'ready') {
      // Redis away: BullMQ's closes would wait for it. Drop the connection and give them all one moment.
      this.jobs.connection.disconnect();
      const closing = [
        ...planners.map((r) => r?.stop()),
        this.sweeper?.close(),
        this.processor?.close(),
        this.jobs.close(),
      ];
      await Promise.race([Promise.allSettled(closing), new Promise((r) => setTimeout(r, 2_000).unref())]);
      return;
    }
    // Stop the planners before closing the queue their effects use.
    for (const planner of planners) await planner?.stop();
    await this.sweeper?.close();
    await this.processor?.close();
    await this.jobs.close();
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
  return [{ provide: DEADLINE_OPTIONS, useValue: options }, CalendarProvider, DeadlineJobs, DeadlinesRuntime];
}
