import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, loadEnvironment } from '@tracker/infrastructure';
import { WorkerAppModule } from '@tracker/projections';

/** `npm run start:worker`: the projections alone (Nest application context, no HTTP). */
async function bootstrap(): Promise<void> {
  const env = loadEnvironment();
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot({ env }), {
    logger: ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
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
