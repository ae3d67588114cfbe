import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { setupOpenApi } from '../openapi/setup-openapi';
import { TrackerErrorFilter } from './error.filter';
import { trackerValidationPipe } from './validation.pipe';

/**
 * Options for creating the API's Nest application, shared like configureHttp. The API takes JSON only: Nest's
 * default parsers would also run the URL-encoded one's type check on every request for bodies no route takes
 * (configureHttp registers the JSON parser alone).
 */
export const HTTP_APP_OPTIONS = { bodyParser: false } as const;

/** HTTP settings shared by main.ts and the e2e tests, so tests run the same edge users hit (main.ts handles stop signals). */
export function configureHttp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('json', { limit: '256kb' });
  // The pages' security headers (and nosniff, no framing, no referrer on every answer). The pages load only
  // their own scripts and styles; plain http on a LAN, so no upgrade to https and no HSTS.
  app.use(
    fixedHeaders(
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
    ),
  );
  app.useGlobalPipes(trackerValidationPipe());
  app.useGlobalFilters(new TrackerErrorFilter());
  app.disable('x-powered-by');
  setupOpenApi(app);
  return app;
}

/**
 * The headers `middleware` (helmet) sets, taken once and set on every answer: with a policy of fixed strings
 * (no per-request nonce) they are the same each time, and a dozen middlewares per request cost more than a
 * list of headers.
 */
export function fixedHeaders(
  middleware: (req: Request, res: Response, next: (error?: unknown) => void) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  const headers = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  middleware({} as Request, recorder as unknown as Response, (error) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('the header middleware did not finish at once: its headers are not fixed');
  const fixed = [...headers];
  return (_req, res, next) => {
    for (const [name, value] of fixed) res.setHeader(name, value);
    next();
  };
}
