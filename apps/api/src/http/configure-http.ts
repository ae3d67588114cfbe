import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { setupOpenApi } from '../openapi/setup-openapi';
import { TrackerErrorFilter } from './error.filter';
import { trackerValidationPipe } from './validation.pipe';

/** HTTP settings shared by main.ts and the e2e tests, so tests run the same edge users hit (main.ts handles stop signals). */
export function configureHttp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('json', { limit: '256kb' });
  // The pages' security headers (and nosniff, no framing, no referrer on every answer). The pages load only
  // their own scripts and styles; plain http on a LAN, so no upgrade to https and no HSTS.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.useGlobalPipes(trackerValidationPipe());
  app.useGlobalFilters(new TrackerErrorFilter());
  app.disable('x-powered-by');
  setupOpenApi(app);
  return app;
}
