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

export const TOKEN_REGISTRY = Symbol('TOKEN_REGISTRY');

const ROLES = 'tracker:roles';
export const PUBLIC = 'tracker:public';
const ACTION = 'tracker:action';

/** Roles allowed on a route; admin is always allowed. */
export const Roles = (...roles: TokenRole[]) => SetMetadata(ROLES, roles);
/** The action a route attempts: the access policy says which roles may attempt it. */
export const Can = (action: Action) => SetMetadata(ACTION, action);
/** A route without authentication (health). */
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = Request & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal!;
});

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) {
      // A public route tells a caller with a valid token more (health's details); a bad token is a stranger.
      const principal = match ? this.tokens.authenticate(match[1]) : undefined;
      if (principal) req.principal = principal;
      return true;
    }
    if (!match)
      throw new ApiError(401, 'UNAUTHENTICATED', 'an Authorization: Bearer <token> header is required');
    const principal = this.tokens.authenticate(match[1]);
    if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'unknown token');
    req.principal = principal;
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
