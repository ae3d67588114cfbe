import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigurationError, exitOnStopSignals, loadEnvironment } from '@tracker/infrastructure';
import { WorkerAppModule } from '@tracker/projections';

let app: INestApplicationContext | undefined;
// Registered first: a stop signal ends the process within seconds even while a service keeps start-up waiting.
exitOnStopSignals(async () => {
  await app?.close();
});

/** `npm run start:worker`: the projections alone (Nest application context, no HTTP). */
async function bootstrap(): Promise<void> {
  const env = loadEnvironment();
  app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot({ env }), {
    logger: ['log', 'warn', 'error'],
  });
  new Logger('worker').log(
    `worker running (event store: ${env.EVENTSTORE_CONNECTION_STRING ? 'external' : `embedded in ${env.EVENTSTORE_DATA_DIR}`})`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
