import type { NestExpressApplication } from '@nestjs/platform-express';
import { TrackerErrorFilter } from './error.filter';
import { trackerValidationPipe } from './validation.pipe';

/** HTTP settings shared by main.ts and the e2e tests, so tests run the same edge users hit. */
export function configureHttp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('json', { limit: '256kb' });
  app.useGlobalPipes(trackerValidationPipe());
  app.useGlobalFilters(new TrackerErrorFilter());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}
