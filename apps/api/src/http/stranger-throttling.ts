import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Environment } from '@tracker/infrastructure';
import type { AuthenticatedRequest } from './auth.guard';

/**
 * Rate limits for what anyone can reach without being identified: health, the pages, the login, and every
 * request whose token or session is missing or unknown (a failed authentication). Counted per client address
 * in this process; a request IdentifyGuard identified (a valid token or session) is never counted, so an
 * office at work never meets the limit.
 */
export function strangerThrottling(env: Environment): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'default', limit: env.THROTTLE_LIMIT, ttl: env.THROTTLE_WINDOW_S * 1000 }],
    errorMessage: `too many requests without a valid token; at most ${env.THROTTLE_LIMIT} in ${env.THROTTLE_WINDOW_S} s`,
    // One count per client across every route (the library's default counts per route).
    generateKey: (_context: ExecutionContext, tracker: string, name: string) => `stranger:${name}:${tracker}`,
    skipIf: (context: ExecutionContext) =>
      env.THROTTLE_LIMIT === 0 ||
      context.switchToHttp().getRequest<AuthenticatedRequest>().principal !== undefined,
  };
}
