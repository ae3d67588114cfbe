import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
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

  get production(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Reads and validates the settings; throws one error naming every bad variable. */
export function loadEnvironment(source: Record<string, string | undefined> = process.env): Environment {
  const defined = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigurationError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
