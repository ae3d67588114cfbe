import { Controller, Get, Inject, Optional, Req, Res } from '@nestjs/common';
import {
  ALL_PROJECTIONS,
  EVENT_LOG_PROBE,
  EventLogProbe,
  LOG_IDENTITY,
  LogIdentity,
  PORTAL_SYNC_ENABLED,
  PROJECTION_STORE,
  PortalSyncReader,
  ReferenceData,
  ProjectionStop,
  ProjectionStore,
  projectionId,
} from '@tracker/application';
import { EVENT_STORE_CONNECTION, EventStoreConnection, REDIS } from '@tracker/infrastructure';
import { ProjectionWorker } from '@tracker/projections';
import type { Redis } from 'ioredis';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthAnswer } from '../openapi/answers';
import { Public, type AuthenticatedRequest } from '../http/auth.guard';
import { logIdentityHealth } from './log-identity.health';
import { runningProjections } from './running-projections';
import { syncHealth } from './sync-health';

type Check = { status: 'up' | 'down'; latencyMs: number; error?: string };

/** Lag is counted by reading `$all` forward from the checkpoint, at most this many events. */
const LAG_CAP = 10_000;
/** The public answer's probes are shared by every request within this window. */
const PROBE_TTL_MS = 1_000;
/** The public lag figure is recounted at most this often. */
const LAG_TTL_MS = 10_000;

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

/** One computation shared by concurrent callers and reused for `ttlMs`. */
class Shared<T> {
  private value?: { at: number; value: T };
  private running?: Promise<T>;
  constructor(
    private readonly ttlMs: number,
    private readonly compute: () => Promise<T>,
  ) {}

  /** The cached value when fresh; else the running or a new computation. */
  get(): Promise<T> {
    if (this.value && Date.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.value);
    return this.refresh();
  }

  /** The last value, or null while the first is counted (started here): it never waits. */
  peek(): T | null {
    if (!this.value) {
      void this.refresh().catch(() => undefined);
      return null;
    }
    if (Date.now() - this.value.at >= this.ttlMs) void this.refresh().catch(() => undefined);
    return this.value.value;
  }

  private refresh(): Promise<T> {
    this.running ??= this.compute()
      .then((value) => {
        this.value = { at: Date.now(), value };
        return value;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

/**
 * Liveness and readiness: 200 when the event store and Redis answer and the reference data is loaded, 503
 * otherwise (`status` says `starting` while the reference data loads, `unavailable` when a service is down). Anyone may ask: the
 * public answer is up/down and one lag figure (the largest projection lag, recounted at most every 10 s;
 * null until first counted),
 * and costs at most two probes a second however many ask. With a valid token it adds every projection of
 * the registry: its checkpoint, lag, runner and, when stopped at a poison event, where and why (a lagging
 * or stopped projection does not make the API unready: writes still work). It never carries a backing
 * service's own error text (which may name hosts or paths).
 */
@ApiTags('Vận hành')
@Controller('api/health')
export class HealthHttpController {
  private readonly probes = new Shared(PROBE_TTL_MS, () =>
    Promise.all([timed(() => this.log.headPosition()), timed(() => this.redis.ping())]),
  );
  private readonly lag = new Shared(LAG_TTL_MS, async () => {
    const all = await Promise.all(this.running().map((p) => this.projection(p)));
    return all.some((p) => p.lag === null) ? null : Math.max(0, ...all.map((p) => p.lag ?? 0));
  });

  constructor(
    @Inject(EVENT_STORE_CONNECTION) private readonly eventStore: EventStoreConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PROJECTION_STORE) private readonly projections: ProjectionStore,
    @Inject(EVENT_LOG_PROBE) private readonly log: EventLogProbe,
    private readonly sync: PortalSyncReader,
    @Inject(PORTAL_SYNC_ENABLED) private readonly portalEnabled: boolean,
    @Inject(LOG_IDENTITY) private readonly identity: LogIdentity,
    private readonly reference: ReferenceData,
    @Optional() private readonly worker?: ProjectionWorker,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Sẵn sàng: kho sự kiện và Redis; với token: từng phép chiếu, độ trễ, đồng bộ Cổng',
    description: 'Không cần token; người có token xem thêm chi tiết.',
  })
  @ApiOkResponse({ type: HealthAnswer, description: 'Sẵn sàng (chi tiết thêm khi có token)' })
  @ApiResponse({
    status: 503,
    type: HealthAnswer,
    description: '`status: unavailable`: kho sự kiện hoặc Redis không trả lời',
  })
  async health(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response) {
    const [eventStore, redis] = await this.probes.get();
    const ready = eventStore.status === 'up' && redis.status === 'up';
    // Serving needs the reference data too: until it is loaded the process is alive but not ready.
    const starting = ready && !this.reference.isReady;
    res.status(ready && !starting ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    if (starting) res.setHeader('Retry-After', '1');
    const status = starting ? 'starting' : ready ? 'ready' : 'unavailable';
    if (!req.principal) {
      return {
        status,
        eventStore: { status: eventStore.status },
        redis: { status: redis.status },
        // Not waited for: the count reads up to LAG_CAP events per projection, which would hold back the
        // first 200 after a start (what a restart waits for) on a large log.
        lag: ready ? this.lag.peek() : null,
      };
    }
    const projections = ready ? await Promise.all(this.running().map((p) => this.projection(p))) : [];
    const sync = ready ? await syncHealth(this.sync).catch(() => undefined) : undefined;
    // Read models built from another log (a restore, a new data directory) say so; readiness is unchanged.
    const log = ready
      ? await withTimeout(
          this.log.headPosition().then((head) => logIdentityHealth(this.identity, this.projections, head)),
          2000,
        ).catch((error: unknown) => ({ error: failure(error) }))
      : undefined;
    return {
      status,
      eventStore: { ...eventStore, embedded: Boolean(this.eventStore.embedded) },
      redis,
      projections,
      ...(sync ? { sync } : {}),
      ...(log ? { log } : {}),
    };
  }

  /** The projections a worker runs: without NATIONAL_PORTAL_* the portal's outbox has no lag to report. */
  private running() {
    return runningProjections(this.portalEnabled);
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
        error: failure(error),
      };
    }
  }
}

class Timeout extends Error {}

/** What went wrong, in the tracker's words: a backing service's own message stays in the logs. */
function failure(error: unknown): string {
  return error instanceof Timeout ? 'no answer in time' : 'not answering';
}

async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const start = performance.now();
  try {
    await withTimeout(probe(), 2000);
    return { status: 'up', latencyMs: Math.round(performance.now() - start) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - start), error: failure(error) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Timeout(`no answer in ${ms} ms`)), ms)),
    ),
  ]);
}
