import { Inject, Injectable } from '@nestjs/common';
import {
  ENVIRONMENT,
  Environment,
  LoginThrottle,
  REDIS,
  RedisSessionStore,
  UsersFile,
  credentialOf,
  decoyHash,
  userPrincipal,
  verifyPassword,
  type Principal,
} from '@tracker/infrastructure';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { ApiError } from '../http/api-error';

export const USERS_FILE = Symbol('USERS_FILE');
export const SESSION_COOKIE = 'tracker_session';

export type LoginOutcome = { sessionId: string } | { retryAfter: number; reason: 'failures' | 'in-progress' };

/**
 * People's logins (the users file) and their sessions (Redis). Every request made with a session reads the
 * user's current entry: disabled, removed or given a new password, the user is refused and the session ended.
 */
@Injectable()
export class SessionAuth {
  private readonly store: RedisSessionStore;
  private readonly throttle: LoginThrottle;

  constructor(
    @Inject(USERS_FILE) private readonly users: UsersFile | null,
    @Inject(REDIS) redis: Redis,
    @Inject(ENVIRONMENT) env: Environment,
  ) {
    this.store = new RedisSessionStore(redis, env.REDIS_KEY_PREFIX);
    this.throttle = new LoginThrottle(redis, env.REDIS_KEY_PREFIX);
  }

  /** Whether people may log in with a name and password (a users file is configured). */
  get enabled(): boolean {
    return this.users !== null;
  }

  async login(name: string, password: string, address: string): Promise<LoginOutcome> {
    if (!this.users) {
      throw new ApiError(
        404,
        'PASSWORD_LOGIN_OFF',
        'no users file (TRACKER_USERS_FILE): log in with a token',
      );
    }
    const retryAfter = await this.throttle.retryAfter(name, address);
    if (retryAfter > 0) return { retryAfter, reason: 'failures' };
    if (!(await this.throttle.claim(name))) return { retryAfter: 1, reason: 'in-progress' };
    try {
      const user = this.users.find(name);
      // An unknown name costs the same hashing as a known one: the answer's time does not tell names apart.
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !matches) {
        await this.throttle.failed(name, address);
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong name or password', [
          { field: 'password', problems: ['wrong name or password'] },
        ]);
      }
      if (user.disabled) {
        throw new ApiError(401, 'ACCOUNT_DISABLED', 'this account is disabled', [
          { field: 'name', problems: ['this account is disabled'] },
        ]);
      }
      await this.throttle.succeeded(name);
      return { sessionId: await this.store.create({ name: user.name, credential: credentialOf(user) }) };
    } finally {
      await this.throttle.release(name);
    }
  }

  /** The caller a session stands for now, or undefined (and the session ended) when it no longer stands. */
  async identify(sessionId: string): Promise<Principal | undefined> {
    if (!this.users) return undefined;
    const session = await this.store.touch(sessionId);
    if (!session) return undefined;
    const user = this.users.find(session.name);
    if (!user || user.disabled || credentialOf(user) !== session.credential) {
      await this.store.destroy(sessionId);
      return undefined;
    }
    return {
      ...userPrincipal(user),
      ...(user.displayName !== undefined ? { displayName: user.displayName } : {}),
    };
  }

  logout(sessionId: string): Promise<void> {
    return this.store.destroy(sessionId);
  }
}

export function sessionIdOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[SESSION_COOKIE] : undefined;
}

/** HttpOnly, SameSite=Strict, the whole site; Secure when the request came over TLS (directly or via a proxy). */
export function setSessionCookie(req: Request, res: Response, value: string | null): void {
  const secure = req.secure || req.headers['x-forwarded-proto'] === 'https';
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, value ?? '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure,
      // No Max-Age on a new session: the browser forgets it when it closes (shared office PCs); Redis ends it.
      ...(value === null ? { maxAge: 0 } : {}),
    }),
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence beside SameSite=Strict: a state-changing request that a browser says comes from another site
 * (Origin naming another host, or Sec-Fetch-Site cross-site) is refused.
 */
export function isCrossSiteWrite(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    try {
      return new URL(origin).host !== req.headers.host;
    } catch {
      return true; // "null" (a sandboxed frame, a file) is no origin of ours
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
