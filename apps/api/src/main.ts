import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigurationError, loadEnvironment, resolveTokens } from '@tracker/infrastructure';
import { ApiModule } from './api.module';
import { configureHttp } from './http/configure-http';

async function bootstrap(): Promise<void> {
  const logger = new Logger('tracker');
  const env = loadEnvironment(process.env, { demo: process.argv.includes('--demo') });
  const { registry, generatedAdminToken } = resolveTokens({
    file: env.TRACKER_TOKENS_FILE,
    production: env.production,
  });
  // `npm start` runs the worker here too (sharing the event store connection); `--no-worker` (npm run start:api)
  // runs the API alone, beside a separate `npm run start:worker`.
  const worker = !process.argv.includes('--no-worker');
  const app = configureHttp(
    await NestFactory.create<NestExpressApplication>(ApiModule.forRoot({ env, tokens: registry, worker }), {
      logger: ['log', 'warn', 'error'],
    }),
  );
  await app.listen(env.PORT);
  logger.log(
    `API listening on http://127.0.0.1:${env.PORT}/api (event store: ${env.EVENTSTORE_CONNECTION_STRING ? 'external' : `embedded in ${env.EVENTSTORE_DATA_DIR}`})`,
  );
  if (generatedAdminToken) {
    logger.warn(
      `No TRACKER_TOKENS_FILE: one admin token for local use only:\n\n    ${generatedAdminToken}\n`,
    );
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
