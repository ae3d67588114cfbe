import { DynamicModule, Module } from '@nestjs/common';
import {
  ALERT_FEED,
  PORTAL_PUSH_QUEUE,
  bindProjections,
  type AlertFeed,
  type PortalPushQueue,
  type AnyProjection,
  type DeadlineOptions,
} from '@tracker/application';
import { InfrastructureModule, InfrastructureOptions } from '@tracker/infrastructure';
import { DeadlineJobs, deadlineWorkerProviders } from './deadlines.runtime';
import { portalWorkerProviders, type PortalWorkerOptions } from './portal-sync.runtime';
import { ProjectionWorker, WORKER_PROJECTIONS, WORKER_RUNNER_OPTIONS } from './projection.worker';
import type { SubscriptionRunnerOptions } from './subscription.runner';

export type WorkerOptions = Readonly<{
  /** The projections to run (default: every one of the registry this process has the adapters for). */
  projections?: readonly AnyProjection[];
  /** Batching and backoff of every runner. */
  runner?: SubscriptionRunnerOptions;
  /** Deadline jobs, processor and sweep (false: none in this process, nor deadline-scheduling.v1). */
  deadlines?: DeadlineOptions | false;
  /** The national portal's push processor (false: none in this process, nor portal-sync.v1). Runs only
   * when NATIONAL_PORTAL_* is set. */
  portal?: PortalWorkerOptions | false;
}>;

/**
 * The subscriptions: the registry's projections into Redis, with their effects (the alert feed, deadline
 * jobs), the deadline processor and sweep. Needs the infrastructure (event store, Redis) bound: imported by
 * the API's process (`npm start`, sharing its event store connection) or by WorkerAppModule
 * (`npm run start:worker`).
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        {
          provide: WORKER_PROJECTIONS,
          useFactory: (alertFeed: AlertFeed, deadlines?: DeadlineJobs, portal?: PortalPushQueue | null) =>
            bindProjections(
              {
                alertFeed,
                ...(deadlines ? { deadlines: deadlines.projectionDeps } : {}),
                ...(portal && options.portal !== false ? { portalPushes: portal } : {}),
              },
              options.projections,
            ),
          inject: [
            ALERT_FEED,
            { token: DeadlineJobs, optional: true },
            { token: PORTAL_PUSH_QUEUE, optional: true },
          ],
        },
        { provide: WORKER_RUNNER_OPTIONS, useValue: options.runner ?? {} },
        ProjectionWorker,
        ...deadlineWorkerProviders(options.deadlines),
        ...portalWorkerProviders(options.portal),
      ],
      exports: [ProjectionWorker],
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
