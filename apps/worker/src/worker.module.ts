import { DynamicModule, Module } from '@nestjs/common';
import {
  ALL_PROJECTIONS,
  AnyProjection,
  ProjectionWorker,
  SubscriptionRunnerOptions,
  WORKER_PROJECTIONS,
  WORKER_RUNNER_OPTIONS,
} from '@tracker/application';
import { InfrastructureModule, InfrastructureOptions } from '@tracker/infrastructure';
import type { DeadlineOptions } from '@tracker/application';
import { alertWorkerProviders } from './alerts/alerts.runtime';
import { deadlineWorkerProviders } from './deadlines/deadlines.runtime';
import { NightlyBackupRuntime } from './backups/nightly-backup.runtime';

export type WorkerOptions = Readonly<{
  /** The projections to run (default: all of them). */
  projections?: readonly AnyProjection[];
  /** Batching and backoff of every runner. */
  runner?: SubscriptionRunnerOptions;
  /** Deadline jobs, processor and sweep (false: none in this process). */
  deadlines?: DeadlineOptions | false;
}>;

/**
 * The subscriptions: projections into Redis (and reactors registered on ProjectionWorker). Needs the
 * infrastructure (event store, Redis) bound: imported by the API's process (`npm start`, sharing its event
 * store connection) or by WorkerAppModule (`npm run start:worker`).
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_PROJECTIONS, useValue: options.projections ?? ALL_PROJECTIONS },
        { provide: WORKER_RUNNER_OPTIONS, useValue: options.runner ?? {} },
        ProjectionWorker,
        ...deadlineWorkerProviders(options.deadlines),
        ...alertWorkerProviders(),
        NightlyBackupRuntime,
      ],
      exports: [ProjectionWorker, NightlyBackupRuntime],
    };
  }
}

/** The worker as its own process: infrastructure + the subscriptions, no HTTP. */
@Module({})
export class WorkerAppModule {
  static forRoot(options: InfrastructureOptions & { worker?: WorkerOptions }): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [InfrastructureModule.forRoot(options), WorkerModule.forRoot(options.worker)],
    };
  }
}
