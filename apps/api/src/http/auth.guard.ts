import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mayAttempt, type Action } from '@tracker/domain';
import type { Principal, TokenRegistry, TokenRole } from '@tracker/infrastructure';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { SessionAuth, isCrossSiteWrite, sessionIdOf } from '../session/session-auth';

export const TOKEN_REGISTRY = Symbol('TOKEN_REGISTRY');

// Exported for the OpenAPI description, which tells each route's security from the same metadata.
export const ROLES = 'tracker:roles';
export const PUBLIC = 'tracker:public';
export const ACTION = 'tracker:action';

/** Roles allowed on a route; admin is always allowed. */
export const Roles = (...roles: TokenRole[]) => SetMetadata(ROLES, roles);
/** The action a route attempts: the access policy says which roles may attempt it. */
export const Can = (action: Action) => SetMetadata(ACTION, action);
/** A route without authentication (health). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The caller, set by IdentifyGuard; `sessionId` when a login session's cookie identified them. */
export type AuthenticatedRequest = Request & { principal?: Principal; sessionId?: string };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal!;
});

const bearerOf = (req: Request): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/**
 * Says who the caller is, refusing nobody: a bearer token of the tokens file (machines, scripts) or else a
 * login session's cookie (people), both giving the same caller (name, role, units), so the access policy
 * applies unchanged. It runs first: the stranger throttle skips identified callers, AuthGuard then decides.
 */
@Injectable()
export class IdentifyGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry,
    private readonly sessions: SessionAuth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      // A bad token is a stranger, even with a session cookie beside it: the header says what was meant.
      const principal = this.tokens.authenticate(bearer);
      if (principal) req.principal = principal;
      return true;
    }
    const sessionId = sessionIdOf(req);
    if (sessionId === undefined) return true;
    const principal = await this.sessions.identify(sessionId);
    if (!principal) return true;
    if (isCrossSiteWrite(req)) {
      throw new ApiError(403, 'CROSS_SITE', 'a state-changing request from another site is refused');
    }
    req.principal = principal;
    req.sessionId = sessionId;
    return true;
  }
}

/** Refuses strangers on every route but the public ones, and callers whose role may not attempt the route. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = req.principal;
    if (!principal) {
      throw bearerOf(req) !== undefined
        ? new ApiError(401, 'UNAUTHENTICATED', 'unknown token')
        : new ApiError(
            401,
            'UNAUTHENTICATED',
            'log in (POST /api/session) or send an Authorization: Bearer <token> header',
          );
    }
    const roles = this.reflector.getAllAndOverride<TokenRole[] | undefined>(ROLES, targets);
    const action = this.reflector.getAllAndOverride<Action | undefined>(ACTION, targets);
    if (
      (roles && principal.role !== 'admin' && !roles.includes(principal.role)) ||
      (action && !mayAttempt(principal.role, action))
    ) {
      throw new ApiError(403, 'FORBIDDEN', `this action is not open to the ${principal.role} role`);
    }
    return true;
  }
}
