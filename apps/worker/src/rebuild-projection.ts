import 'reflect-metadata';
import {
  ALL_PROJECTIONS,
  CalendarProvider,
  ProjectionSkips,
  VersionedCalendars,
  bindProjection,
  findProjection,
} from '@tracker/application';
import {
  BullmqDeadlineScheduler,
  ConfigurationError,
  EsdbEventFeed,
  EsdbEventStore,
  RedisAlertFeed,
  RedisProjectionStore,
  SystemClock,
  bullConnection,
  bullPrefix,
  connectEventStore,
  loadEnvironment,
} from '@tracker/infrastructure';
import { rebuildProjection } from '@tracker/projections';
import { Redis } from 'ioredis';

/**
 * `npm run projections:rebuild -- <name> [--grace-ms N]`: rebuilds one projection of the registry beside
 * the live one, switches readers over once it has caught up, then deletes the old generation. A running
 * worker follows. The projection's effects run as in the worker (idempotent: the alert feed skips the ids
 * it has, BullMQ the job ids it has).
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
  const bull = bullConnection(env.REDIS_URL);
  const scheduler = new BullmqDeadlineScheduler(bull, bullPrefix(env.REDIS_KEY_PREFIX));
  try {
    const events = new EsdbEventStore(connection.client);
    const { hooks } = bindProjection(projection, {
      alertFeed: new RedisAlertFeed(redis, env.REDIS_KEY_PREFIX),
      deadlines: {
        scheduler,
        calendars: new VersionedCalendars(new CalendarProvider(events)),
        clock: new SystemClock(),
      },
    });
    const result = await rebuildProjection(
      new EsdbEventFeed(connection.client),
      new RedisProjectionStore(redis, env.REDIS_KEY_PREFIX),
      projection,
      {
        graceMs,
        hooks,
        skips: new ProjectionSkips(events),
        source: events,
        log: (line) => console.log(line),
      },
    );
    console.log(JSON.stringify(result));
  } finally {
    await scheduler.close();
    await bull.quit().catch(() => bull.disconnect());
    await redis.quit().catch(() => redis.disconnect());
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
