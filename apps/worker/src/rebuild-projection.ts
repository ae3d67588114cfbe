import 'reflect-metadata';
import { ALL_PROJECTIONS, LogIdentity, findProjection, rebuildProjection } from '@tracker/application';
import {
  ConfigurationError,
  EsdbEventFeed,
  EsdbEventStore,
  RedisProjectionStore,
  connectEventStore,
  loadEnvironment,
} from '@tracker/infrastructure';
import { Redis } from 'ioredis';

/**
 * `npm run projections:rebuild -- <name> [--grace-ms N]`: rebuilds one projection beside the live one,
 * switches readers over once it has caught up, then deletes the old generation. A running worker follows.
 */
async function main(argv: string[]): Promise<void> {
  const name = argv.find((a) => !a.startsWith('--'));
  const graceArg = argv.indexOf('--grace-ms');
  const graceMs = graceArg >= 0 ? Number(argv[graceArg + 1]) : 2_000;
  const projection = name ? findProjection(name) : undefined;
  if (!projection || !Number.isFinite(graceMs)) {
    const known = ALL_PROJECTIONS.map((p) => `${p.name} (v${p.version})`).join(', ');
    console.error(`usage: npm run projections:rebuild -- <name> [--grace-ms N]\nprojections: ${known}`);
    process.exit(2);
  }
  const env = loadEnvironment();
  const connection = await connectEventStore({
    connectionString: env.EVENTSTORE_CONNECTION_STRING,
    dataDir: env.EVENTSTORE_DATA_DIR,
  });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    const feed = new EsdbEventFeed(connection.client);
    const result = await rebuildProjection(
      feed,
      new RedisProjectionStore(redis, env.REDIS_KEY_PREFIX),
      projection,
      {
        graceMs,
        log: (line) => console.log(line),
        identity: new LogIdentity(new EsdbEventStore(connection.client), feed),
      },
    );
    console.log(JSON.stringify(result));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
