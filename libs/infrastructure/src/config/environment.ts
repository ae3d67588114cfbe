import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';

/** The national portal's gateway (research/dvcqg-sync.md): all five settings, or none. */
export type NationalPortalSettings = Readonly<{
  authUrl: string;
  syncUrl: string;
  username: string;
  password: string;
  unitCode: string;
}>;

const PORTAL_KEYS = [
  'NATIONAL_PORTAL_AUTH_URL',
  'NATIONAL_PORTAL_SYNC_URL',
  'NATIONAL_PORTAL_USERNAME',
  'NATIONAL_PORTAL_PASSWORD',
  'NATIONAL_PORTAL_UNIT_CODE',
] as const;
/** Any one set asks for the push: then each is required. */
const portalAsked = (o: Environment): boolean => PORTAL_KEYS.some((k) => o[k] !== undefined);
const URL_RULE = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

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

  /** Where the running tracker puts a backup of the embedded log every night at 02:00 (UTC+7); unset: none. */
  @IsOptional()
  @IsString()
  EVENTSTORE_BACKUP_DIR?: string;

  /** How many nightly backups to keep (the oldest beyond are deleted). */
  @Transform(({ value }) => (value === undefined || value === '' ? 14 : Number(value)))
  @IsInt()
  @Min(1)
  EVENTSTORE_BACKUP_KEEP = 14;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key the tracker writes, so tests and several trackers can share a server. */
  @Matches(/^[A-Za-z0-9:_.-]*$/, { message: 'REDIS_KEY_PREFIX may hold letters, digits and : _ . -' })
  REDIS_KEY_PREFIX = 'tracker:';

  @IsOptional()
  @IsString()
  TRACKER_TOKENS_FILE?: string;

  /** People who log in with a name and password (`npm run users`); unset: tokens only. */
  @IsOptional()
  @IsString()
  TRACKER_USERS_FILE?: string;

  @ValidateIf(portalAsked)
  @IsUrl(URL_RULE, {
    message: 'NATIONAL_PORTAL_AUTH_URL must be an http(s) URL (the five NATIONAL_PORTAL_* go together)',
  })
  NATIONAL_PORTAL_AUTH_URL?: string;

  @ValidateIf(portalAsked)
  @IsUrl(URL_RULE, {
    message: 'NATIONAL_PORTAL_SYNC_URL must be an http(s) URL (the five NATIONAL_PORTAL_* go together)',
  })
  NATIONAL_PORTAL_SYNC_URL?: string;

  @ValidateIf(portalAsked)
  @IsString()
  @IsNotEmpty({ message: 'NATIONAL_PORTAL_USERNAME is required with the other NATIONAL_PORTAL_* settings' })
  NATIONAL_PORTAL_USERNAME?: string;

  @ValidateIf(portalAsked)
  @IsString()
  @IsNotEmpty({ message: 'NATIONAL_PORTAL_PASSWORD is required with the other NATIONAL_PORTAL_* settings' })
  NATIONAL_PORTAL_PASSWORD?: string;

  @ValidateIf(portalAsked)
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, {
    message: 'NATIONAL_PORTAL_UNIT_CODE must be the province unit code (madonvi; required with the others)',
  })
  NATIONAL_PORTAL_UNIT_CODE?: string;

  /** The portal push's settings; undefined when unset (no push: clerks record `synced`). */
  get nationalPortal(): NationalPortalSettings | undefined {
    if (!portalAsked(this)) return undefined;
    return {
      authUrl: this.NATIONAL_PORTAL_AUTH_URL!,
      syncUrl: this.NATIONAL_PORTAL_SYNC_URL!,
      username: this.NATIONAL_PORTAL_USERNAME!,
      password: this.NATIONAL_PORTAL_PASSWORD!,
      unitCode: this.NATIONAL_PORTAL_UNIT_CODE!,
    };
  }
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
