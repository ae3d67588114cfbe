import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../http/api-error';
import { Public, type AuthenticatedRequest } from '../http/auth.guard';
import { SessionAuth, isCrossSiteWrite, sessionIdOf, setSessionCookie } from './session-auth';
import { SessionRequest } from './session.request.dto';

/**
 * People log in with a name and password from the users file (TRACKER_USERS_FILE): `POST` opens a session
 * (an HttpOnly cookie), `DELETE` ends it, `GET` says whether password login is on and who the caller is.
 * Machines and scripts keep using `Authorization: Bearer` tokens.
 */
@Controller('api/session')
@Public()
export class SessionHttpController {
  constructor(private readonly sessions: SessionAuth) {}

  @Get()
  current(@Req() req: AuthenticatedRequest) {
    const caller = req.principal;
    return {
      passwordLogin: this.sessions.enabled,
      caller: caller
        ? {
            name: caller.subject,
            ...(caller.displayName !== undefined ? { displayName: caller.displayName } : {}),
            role: caller.role,
            units: caller.units,
            via: req.sessionId ? 'session' : 'token',
          }
        : null,
    };
  }

  @Post()
  @HttpCode(204)
  async login(
    @Body() body: SessionRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    // Login CSRF: another site must not log a browser in under its attacker's account.
    if (isCrossSiteWrite(req)) throw new ApiError(403, 'CROSS_SITE', 'a login from another site is refused');
    const outcome = await this.sessions.login(body.name, body.password, req.ip ?? 'unknown');
    if ('retryAfter' in outcome) {
      res.setHeader('Retry-After', String(outcome.retryAfter));
      throw outcome.reason === 'failures'
        ? new ApiError(
            429,
            'TOO_MANY_LOGIN_FAILURES',
            `too many failed logins; try again in ${outcome.retryAfter} s`,
          )
        : new ApiError(429, 'LOGIN_IN_PROGRESS', 'another login of this name is being checked; try again');
    }
    const previous = sessionIdOf(req);
    if (previous) await this.sessions.logout(previous);
    setSessionCookie(req, res, outcome.sessionId);
  }

  @Delete()
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const id = sessionIdOf(req);
    if (id) await this.sessions.logout(id);
    setSessionCookie(req, res, null);
  }
}
