import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

/** The settings of PRODUCT.md "Running", validated at start-up; every one has a default that runs on one machine. */
export class Environment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//, {
    message: 'EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// connection string',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  /** An append unanswered this long has an unknown outcome, settled by reading the stream back. */
  @Transform(({ value }) => (value === undefined || value === '' ? 10_000 : Number(value)))
  @IsInt()
  @Min(100)
  EVENTSTORE_DEADLINE_MS = 10_000;

  @IsString()
  EVENTSTORE_DATA_DIR = './data/eventstore';

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key the tracker writes, so tests and several trackers can share a server. */
  @Matches(/^[A-Za-z0-9:_.-]*$/, { message: 'REDIS_KEY_PREFIX may hold letters, digits and : _ . -' })
  REDIS_KEY_PREFIX = 'tracker:';

  @IsOptional()
  @IsString()
  TRACKER_TOKENS_FILE?: string;

  /** Open `GET /api/alerts/stream` connections one token may hold (a 429 beyond). */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(1)
  SSE_STREAMS_PER_TOKEN = 5;

  /** Requests one client address may make without a valid token per window (health, pages, failed logins); 0 = no limit. */
  @Transform(({ value }) => (value === undefined || value === '' ? 600 : Number(value)))
  @IsInt()
  @Min(0)
  THROTTLE_LIMIT = 600;

  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt()
  @Min(1)
  THROTTLE_WINDOW_S = 60;

  /** Seed the demo province at start (`--demo` sets it too); refused in production. */
  @Transform(({ value }) => value === true || ['1', 'true'].includes(String(value ?? '').toLowerCase()))
  @IsBoolean()
  TRACKER_DEMO = false;

  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsNumber()
  @Min(0.0001)
  @Max(10)
  TRACKER_DEMO_SCALE?: number;

  get production(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Reads and validates the settings; throws one error naming every bad variable. `demo` is the command line's
 * `--demo` (or `npm run demo:seed`), checked with the rest.
 */
export function loadEnvironment(
  source: Record<string, string | undefined> = process.env,
  options: { demo?: boolean } = {},
): Environment {
  const defined = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  if (options.demo) defined.TRACKER_DEMO = '1';
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (env.production && env.TRACKER_DEMO) {
    lines.push('TRACKER_DEMO (or --demo, npm run demo:seed): demo data is refused when NODE_ENV=production');
  }
  if (lines.length) {
    throw new ConfigurationError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
