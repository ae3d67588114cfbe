import { Inject, Injectable, OnModuleInit, Provider } from '@nestjs/common';
import {
  ALERT_FEED,
  AlertFeed,
  AlertsSink,
  PROJECTION_STORE,
  ProjectionStore,
  ProjectionWorker,
} from '@tracker/application';

/** Runs `alerts.v1` (read model + change feed) on the worker's projection runner. */
@Injectable()
export class AlertsRuntime implements OnModuleInit {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(ALERT_FEED) private readonly feed: AlertFeed,
    private readonly worker: ProjectionWorker,
  ) {}

  onModuleInit(): void {
    this.worker.register(new AlertsSink(this.store, this.feed, this.worker.identity, this.worker.warn));
  }
}

export const alertWorkerProviders = (): Provider[] => [AlertsRuntime];
