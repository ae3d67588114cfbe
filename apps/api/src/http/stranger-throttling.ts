import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Environment, TokenRegistry } from '@tracker/infrastructure';
import type { Request } from 'express';

/**
 * Rate limits for what anyone can reach without a valid token: health, the pages, and every request whose
 * token is missing or unknown (a failed authentication). Counted per client address in this process; a
 * request with a valid token is never counted, so an office at work never meets the limit.
 */
export function strangerThrottling(env: Environment, tokens: TokenRegistry): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'default', limit: env.THROTTLE_LIMIT, ttl: env.THROTTLE_WINDOW_S * 1000 }],
    errorMessage: `too many requests without a valid token; at most ${env.THROTTLE_LIMIT} in ${env.THROTTLE_WINDOW_S} s`,
    // One count per client across every route (the library's default counts per route).
    generateKey: (_context: ExecutionContext, tracker: string, name: string) => `stranger:${name}:${tracker}`,
    skipIf: (context: ExecutionContext) => {
      if (env.THROTTLE_LIMIT === 0) return true;
      const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return match !== null && tokens.authenticate(match[1]) !== undefined;
    },
  };
}
