import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ReferenceData } from '@tracker/application';
import { ApiError } from './api-error';
import { PUBLIC } from './auth.guard';

/**
 * Until the reference data (units, procedures, calendars, publications) is loaded, every route but the
 * public ones (health, the pages) answers 503 with `Retry-After`: a list or a scorecard would otherwise miss
 * what is not loaded yet. Runs after authentication, so a stranger still gets 401.
 */
@Injectable()
export class ReadinessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly reference: ReferenceData,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reference.isReady) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    throw new ApiError(
      503,
      'SERVICE_UNAVAILABLE',
      'the tracker is starting (loading its reference data); retry shortly',
    );
  }
}
