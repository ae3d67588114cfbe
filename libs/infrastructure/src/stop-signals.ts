import { Logger } from '@nestjs/common';

/**
 * SIGTERM/SIGINT end the process within `graceMs` whatever the event store or Redis do: `stop` (closing the
 * application) gets that long, then the process exits anyway; a second signal exits at once. Registered
 * before start-up, so a process still waiting for a service stops as promptly.
 */
export function exitOnStopSignals(stop: () => Promise<void>, graceMs = 8_000): void {
  const logger = new Logger('tracker');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(0);
    stopping = true;
    logger.log(`${signal}: stopping`);
    setTimeout(() => {
      logger.warn(`not stopped within ${graceMs / 1000} s (a service not answering); exiting`);
      process.exit(0);
    }, graceMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
