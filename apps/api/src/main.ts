import 'reflect-metadata';
// First: with `--demo` the seeding process starts loading beside this one.
import './demo/demo-early-fork';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ConfigurationError,
  exitOnStopSignals,
  loadEnvironment,
  resolveTokens,
  UsersFile,
} from '@tracker/infrastructure';
import { ApiModule } from './api.module';
import { HTTP_APP_OPTIONS, configureHttp } from './http/configure-http';
import { startLocalRedisIfMissing, type LocalRedis } from './local-redis';

let app: INestApplication | undefined;
let localRedis: LocalRedis | undefined;

// Registered first: a stop signal ends the process within seconds even while a service keeps start-up waiting.
exitOnStopSignals(async () => {
  await app?.close();
  await localRedis?.stop();
});

async function bootstrap(): Promise<void> {
  const logger = new Logger('tracker');
  const env = loadEnvironment(process.env, { demo: process.argv.includes('--demo') });
  const { registry, generatedAdminToken } = resolveTokens({
    file: env.TRACKER_TOKENS_FILE,
    production: env.production,
  });
  // Read now: a missing or invalid users file stops the start with its one-line reason, as the tokens file does.
  const users = env.TRACKER_USERS_FILE ? new UsersFile(env.TRACKER_USERS_FILE) : null;
  localRedis = await startLocalRedisIfMissing({
    redisUrlSet: Boolean(process.env.REDIS_URL),
    eventStoreDataDir: env.EVENTSTORE_DATA_DIR,
  });
  // `npm start` runs the worker here too (sharing the event store connection); `--no-worker` (npm run start:api)
  // runs the API alone, beside a separate `npm run start:worker`.
  const worker = !process.argv.includes('--no-worker');
  const nest = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot({ env, tokens: registry, users, worker }),
    { ...HTTP_APP_OPTIONS, logger: ['log', 'warn', 'error'] },
  );
  app = configureHttp(nest);
  await app.listen(env.PORT);
  logger.log(
    `API listening on http://127.0.0.1:${env.PORT}/api (event store: ${env.EVENTSTORE_CONNECTION_STRING ? 'external' : `embedded in ${env.EVENTSTORE_DATA_DIR}`})`,
  );
  if (generatedAdminToken) {
    logger.warn(
      `No TRACKER_TOKENS_FILE: one admin token for local use only:\n\n    ${generatedAdminToken}\n`,
    );
  }
  if (!env.TRACKER_USERS_FILE) {
    logger.log(
      'No TRACKER_USERS_FILE: people log in with a token. To let them log in with a name and password:\n\n' +
        '    export TRACKER_USERS_FILE=./data/users.json\n' +
        '    npm run users -- add <name> --role clerk --units <unitId> --display-name "…"   (asks the password)\n' +
        '    npm start\n',
    );
  }
}

bootstrap().catch(async (error: unknown) => {
  await localRedis?.stop();
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
