import 'reflect-metadata';
import {
  ALL_PROJECTIONS,
  PROJECTION_SKIPS_STREAM,
  ProjectionSkips,
  findProjection,
  projectionId,
} from '@tracker/application';
import {
  ConfigurationError,
  EsdbEventStore,
  RedisProjectionStore,
  connectEventStore,
  loadEnvironment,
} from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { userInfo } from 'node:os';

const USAGE = 'usage: npm run projections:skip -- <name> <position> --reason "…" [--actor <who>]';

/**
 * `npm run projections:skip -- <name> <position> --reason "…"`: an operator's decision that a projection
 * skips the event at that commit position (a poison event its fold keeps failing on), recorded as a
 * ProjectionEventSkipped in the `projection-skips` stream. The stopped runner sees it and resumes after the
 * event; rebuilds skip it too.
 */
async function main(argv: string[]): Promise<void> {
  const option = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const [name, rawPosition] = positional;
  const projection = name ? findProjection(name) : undefined;
  const reason = option('--reason')?.trim();
  if (!projection || !rawPosition || !/^\d+$/.test(rawPosition) || !reason) {
    const known = ALL_PROJECTIONS.map(projectionId).join(', ');
    console.error(`${USAGE}\nprojections: ${known}`);
    process.exit(2);
  }
  const env = loadEnvironment();
  const connection = await connectEventStore({
    connectionString: env.EVENTSTORE_CONNECTION_STRING,
    dataDir: env.EVENTSTORE_DATA_DIR,
  });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    const id = projectionId(projection);
    const stop = await new RedisProjectionStore(redis, env.REDIS_KEY_PREFIX).stopped(projection);
    const recorded = await new ProjectionSkips(new EsdbEventStore(connection.client)).record(
      {
        projection: id,
        position: rawPosition,
        reason,
        ...(stop?.position === rawPosition ? { error: stop.error } : {}),
      },
      option('--actor') ?? `operator:${userInfo().username}`,
      new Date(),
    );
    console.log(
      JSON.stringify({ projection: id, position: rawPosition, recorded, stream: PROJECTION_SKIPS_STREAM }),
    );
    if (stop && stop.position !== rawPosition) {
      console.warn(`${id} is stopped at ${stop.position}, not ${rawPosition}: it stays stopped there`);
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
