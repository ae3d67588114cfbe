import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
  Provider,
} from '@nestjs/common';
import {
  CLOCK,
  EVENT_STORE,
  PORTAL_SYNC_FAILURES,
  PortalSyncer,
  portalSyncProjection,
  projectionId,
  type Clock,
  type EventStore,
  type PortalGateway,
  type PortalSyncFailures,
} from '@tracker/application';
import {
  ENVIRONMENT,
  Environment,
  HttpPortalGateway,
  PortalPushProcessor,
  bullConnection,
  bullPrefix,
  type PortalPushProcessorOptions,
} from '@tracker/infrastructure';
import type { Redis } from 'ioredis';
import { ProjectionWorker } from './projection.worker';

export const PORTAL_PROCESSOR_OPTIONS = Symbol('PORTAL_PROCESSOR_OPTIONS');

export type PortalWorkerOptions = PortalPushProcessorOptions & Readonly<{ timeoutMs?: number }>;

/**
 * The national portal's outbox in a worker (NATIONAL_PORTAL_* set): portal-sync.v1 (a projection the worker
 * runs) queues the pushes; this runs the BullMQ processor that sends them through the gateway and records
 * each accepted push in the dossier's stream.
 */
@Injectable()
export class PortalSyncRuntime implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('portal-sync');
  private connection?: Redis;
  processor?: PortalPushProcessor;
  gateway?: PortalGateway;

  constructor(
    @Inject(ENVIRONMENT) private readonly env: Environment,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PORTAL_SYNC_FAILURES) private readonly failures: PortalSyncFailures,
    private readonly worker: ProjectionWorker,
    @Optional() @Inject(PORTAL_PROCESSOR_OPTIONS) private readonly options: PortalWorkerOptions = {},
  ) {}

  onModuleInit(): void {
    const settings = this.env.nationalPortal;
    if (!settings) return;
    this.gateway = new HttpPortalGateway(settings, this.options.timeoutMs);
    this.connection = bullConnection(this.env.REDIS_URL);
    this.processor = new PortalPushProcessor(
      new PortalSyncer(this.store, this.gateway, this.clock),
      this.failures,
      this.connection,
      bullPrefix(this.env.REDIS_KEY_PREFIX),
      this.env.REDIS_KEY_PREFIX,
      this.options,
    );
    this.processor.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        this.logger.warn(
          `push ${job.id} failed for good (listed in GET /api/sync?status=failed): ${error.message}`,
        );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // portal-sync.v1's effects use the queue: stop its runner before the queue closes.
    await this.worker.runner(projectionId(portalSyncProjection))?.stop();
    await this.processor?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

export function portalWorkerProviders(options: PortalWorkerOptions | false = {}): Provider[] {
  if (options === false) return [];
  return [{ provide: PORTAL_PROCESSOR_OPTIONS, useValue: options }, PortalSyncRuntime];
}
