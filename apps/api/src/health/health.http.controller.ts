import { Controller, Get, Inject, Optional, Req, Res } from '@nestjs/common';
import {
  ALL_PROJECTIONS,
  EVENT_LOG_PROBE,
  EventLogProbe,
  PORTAL_SYNC_ENABLED,
  PROJECTION_STORE,
  PortalSyncReader,
  portalSyncProjection,
  ProjectionStop,
  ProjectionStore,
  projectionId,
} from '@tracker/application';
import {
  EVENT_STORE_CONNECTION,
  EventStoreConnection,
  REDIS,
  type TokenRegistry,
} from '@tracker/infrastructure';
import { ProjectionWorker } from '@tracker/projections';
import type { Redis } from 'ioredis';
import type { Request, Response } from 'express';
import { Public, TOKEN_REGISTRY } from '../http/auth.guard';
import { syncHealth } from './sync-health';

type Check = { status: 'up' | 'down'; latencyMs: number; error?: string };

/** Lag is counted by reading `$all` forward from the checkpoint, at most this many events. */
const LAG_CAP = 10_000;

type ProjectionHealth = {
  name: string;
  generation: number | null;
  /** Commit position of the last event the projection took, as a decimal string. */
  checkpoint: string | null;
  /** Events of its streams recorded after the checkpoint (at least `lag` when `lagCapped`). */
  lag: number | null;
  lagCapped?: boolean;
  /** The runner in this process, when the worker runs here. */
  runner?: string;
  /** Stopped at a poison event until it is skipped (`npm run projections:skip`); the others go on. */
  stopped?: ProjectionStop;
  error?: string;
};

/**
 * Liveness and readiness: 200 when the event store and Redis answer, 503 otherwise. Every projection of the
 * registry reports its checkpoint, lag and, when stopped at a poison event, where and why; a lagging or
 * stopped projection does not make the API unready (writes still work).
 */
@Controller('api/health')
export class HealthHttpController {
  constructor(
    @Inject(EVENT_STORE_CONNECTION) private readonly eventStore: EventStoreConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PROJECTION_STORE) private readonly projections: ProjectionStore,
    @Inject(EVENT_LOG_PROBE) private readonly log: EventLogProbe,
    @Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry,
    private readonly sync: PortalSyncReader,
    @Inject(PORTAL_SYNC_ENABLED) private readonly portalEnabled: boolean,
    @Optional() private readonly worker?: ProjectionWorker,
  ) {}

  @Public()
  @Get()
  async health(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const [eventStore, redis] = await Promise.all([
      timed(() => this.log.headPosition()),
      timed(() => this.redis.ping()),
    ]);
    const ready = eventStore.status === 'up' && redis.status === 'up';
    res.status(ready ? 200 : 503);
    // Without NATIONAL_PORTAL_* no worker runs the portal's outbox: it has no lag to report.
    const running = ALL_PROJECTIONS.filter((p) => p !== portalSyncProjection || this.portalEnabled);
    const projections = ready ? await Promise.all(running.map((p) => this.projection(p))) : [];
    const sync = ready ? await syncHealth(req, this.tokens, this.sync).catch(() => undefined) : undefined;
    return {
      status: ready ? 'ready' : 'unavailable',
      eventStore: { ...eventStore, embedded: Boolean(this.eventStore.embedded) },
      redis,
      projections,
      ...(sync ? { sync } : {}),
    };
  }

  private async projection(p: (typeof ALL_PROJECTIONS)[number]): Promise<ProjectionHealth> {
    const name = projectionId(p);
    const runner = this.worker?.runner(name)?.status().state;
    try {
      const [status, stopped] = await withTimeout(
        Promise.all([this.projections.status(p), this.projections.stopped(p)]),
        2000,
      );
      const position = status?.checkpoint.position;
      const lag = await withTimeout(this.log.countAfter(p.streamPrefixes, position, LAG_CAP), 2000);
      return {
        name,
        generation: status?.generation ?? null,
        checkpoint: position?.toString() ?? null,
        lag: lag.count,
        ...(lag.capped ? { lagCapped: true } : {}),
        ...(runner ? { runner } : {}),
        ...(stopped ? { stopped } : {}),
      };
    } catch (error) {
      return {
        name,
        generation: null,
        checkpoint: null,
        lag: null,
        ...(runner ? { runner } : {}),
        error: (error as Error).message,
      };
    }
  }
}

async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const start = performance.now();
  try {
    await withTimeout(probe(), 2000);
    return { status: 'up', latencyMs: Math.round(performance.now() - start) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - start),
      error: (error as Error).message,
    };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
  ]);
}
