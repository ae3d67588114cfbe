import { Controller, Get, Inject, Res } from '@nestjs/common';
import { EVENT_STORE_CONNECTION, EventStoreConnection, REDIS } from '@tracker/infrastructure';
import type { Redis } from 'ioredis';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';

type Check = { status: 'up' | 'down'; latencyMs: number; error?: string };

/** Liveness and readiness: 200 when the event store and Redis answer, 503 otherwise. */
@Controller('api/health')
export class HealthHttpController {
  constructor(
    @Inject(EVENT_STORE_CONNECTION) private readonly eventStore: EventStoreConnection,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const [eventStore, redis] = await Promise.all([
      timed(() => this.eventStore.headPosition()),
      timed(() => this.redis.ping()),
    ]);
    const ready = eventStore.status === 'up' && redis.status === 'up';
    res.status(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'unavailable',
      eventStore: { ...eventStore, embedded: Boolean(this.eventStore.embedded) },
      redis,
    };
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
