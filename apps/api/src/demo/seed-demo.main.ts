import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, FeedbackModule } from '@tracker/application';
import { ConfigurationError, InfrastructureModule, loadEnvironment } from '@tracker/infrastructure';
import { parseArgs } from 'node:util';
import { DemoSeeder } from './demo.seeder';
import type { DemoChildMessage, DemoParentMessage } from './demo-child';

/**
 * `npm run demo:seed [-- --scale 1]`: the demo province into the configured event store (the
 * embedded one in EVENTSTORE_DATA_DIR by default, or the one a running `npm start` serves), through the
 * application's command handlers; no HTTP, no worker (projections catch up when the tracker runs).
 * `npm start -- --demo` runs it as a child process (its own core), told through the IPC channel: its log
 * lines, its progress and its report go back as messages, and it ends when its parent does.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string' },
      concurrency: { type: 'string' },
      'wait-for-start': { type: 'boolean' },
    },
  });
  const parent = process.send
    ? (message: DemoChildMessage) =>
        new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()))
    : undefined;
  // The parent gone (killed, crashed), nobody wants the rest.
  if (parent) process.once('disconnect', () => process.exit(1));
  // Forked early (forkDemoSeedingEarly): the code is loaded; the parent says when its event store serves.
  const started = values['wait-for-start'] ? await startMessage() : undefined;
  const scale = started?.scale ?? (values.scale === undefined ? undefined : Number(values.scale));
  if (scale !== undefined && !(scale > 0 && scale <= 10))
    throw new Error('--scale must be a number in (0, 10]');
  const env = loadEnvironment(process.env, { demo: true });
  const log = (line: string) => (parent ? void parent({ type: 'log', line }) : console.log(line));

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
      log('The demo province is already there; nothing to do.');
      return;
    }
    // Progress to the parent at most every 200 ms (and the last one).
    let sent = 0;
    const report = await seeder.seed({
      ...(scale !== undefined ? { scale } : {}),
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
      log,
      ...(parent
        ? {
            afterStage: async (stage) => {
              const resumed = new Promise<void>((resolve) => {
                const onMessage = (message: DemoParentMessage) => {
                  if (message.type !== 'resume') return;
                  process.off('message', onMessage);
                  resolve();
                };
                process.on('message', onMessage);
              });
              await parent({ type: 'stage-written', stage });
              await resumed;
            },
            onProgress: (progress) => {
              if (progress.dossiers < progress.total && Date.now() - sent < 200) return;
              sent = Date.now();
              void parent({ type: 'progress', progress });
            },
          }
        : {}),
    });
    if (parent) await parent({ type: 'report', report });
    else console.log(JSON.stringify(report));
  } finally {
    await app.close();
    // An open IPC channel keeps this process alive: let it go (after the messages sent), and end.
    if (parent) {
      process.removeAllListeners('disconnect');
      process.disconnect();
    }
  }
}

function startMessage(): Promise<{ scale?: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: DemoParentMessage) => {
      if (message.type !== 'start') return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
