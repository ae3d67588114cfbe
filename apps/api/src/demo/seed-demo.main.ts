import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, FeedbackModule } from '@tracker/application';
import { ConfigurationError, InfrastructureModule, loadEnvironment } from '@tracker/infrastructure';
import { parseArgs } from 'node:util';
import { DemoSeeder } from './demo.seeder';

/**
 * `npm run demo:seed [-- --scale 1]`: the demo province into the configured event store (the
 * embedded one in EVENTSTORE_DATA_DIR by default, or the one a running `npm start` serves), through the
 * application's command handlers; no HTTP, no worker (projections catch up when the tracker runs).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const scale = values.scale === undefined ? undefined : Number(values.scale);
  if (scale !== undefined && !(scale > 0 && scale <= 10))
    throw new Error('--scale must be a number in (0, 10]');
  const env = loadEnvironment(process.env, { demo: true });

  @Module({
    imports: [InfrastructureModule.forRoot({ env }), ApplicationModule, FeedbackModule],
    providers: [DemoSeeder],
  })
  class DemoSeedModule {}

  const app = await NestFactory.createApplicationContext(DemoSeedModule, { logger: ['warn', 'error'] });
  app.enableShutdownHooks();
  try {
    const seeder = app.get(DemoSeeder);
    if (await seeder.isSeeded()) {
      console.log('The demo province is already there; nothing to do.');
      return;
    }
    const report = await seeder.seed({
      ...(scale !== undefined ? { scale } : {}),
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
      log: (line) => console.log(line),
    });
    console.log(JSON.stringify(report));
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
