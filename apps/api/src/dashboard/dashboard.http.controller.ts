import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  AlertsReader,
  CLOCK,
  CalendarProvider,
  CatalogueReader,
  ExplainDossierQuery,
  signedWorkingMs,
  type Clock,
} from '@tracker/application';
import { assertUnitAccess } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DossierCodeParam } from '../dossiers/dossier.request.dto';
import { ApiError } from '../http/api-error';
import { Can, CurrentPrincipal } from '../http/auth.guard';

/**
 * What the pages need beyond the public JSON API, computed on the server where the working-day calendar
 * lives: who the token belongs to, the board's time left in working hours, why a dossier is late.
 * Read-only; the same roles and unit scoping as the API routes they extend.
 */
@Controller('api/dashboard')
export class DashboardHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly alerts: AlertsReader,
    private readonly calendars: CalendarProvider,
    private readonly catalogue: CatalogueReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The token's holder (the pages show the right menu and the clerk form its units). */
  @Get('me')
  me(@CurrentPrincipal() caller: Principal) {
    const units = caller.role === 'clerk' || caller.role === 'supervisor' ? caller.units : [];
    return {
      subject: caller.subject,
      role: caller.role,
      units: units.map((u) => ({
        unitId: u,
        name: this.catalogue.listUnits().find((x) => x.unitId === u)?.name,
      })),
    };
  }

  /** `GET /api/alerts` with each alert's time left in working hours and the procedure's name. */
  @Get('board')
  @Can('watch-alerts')
  async board(@Query('unitId') unitIdParam: unknown, @CurrentPrincipal() caller: Principal) {
    let unitId: string | undefined;
    if (unitIdParam !== undefined && unitIdParam !== '') {
      if (typeof unitIdParam !== 'string' || !ID_PATTERN.test(unitIdParam)) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'invalid unitId', [
          { field: 'unitId', problems: ['unitId must be a unit id'] },
        ]);
      }
      assertUnitAccess(caller, 'read', unitIdParam);
      unitId = unitIdParam;
    }
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const { calendar } = await this.calendars.current(now);
    const names = new Map(this.catalogue.listProcedures().map((p) => [p.code, p.name] as const));
    const units = new Map(this.catalogue.listUnits().map((u) => [u.unitId, u.name] as const));
    const alerts = await this.alerts.list(caller, unitId);
    return {
      now: nowIso,
      alerts: alerts.map((a) => ({
        ...a,
        procedureName: names.get(a.procedureCode) ?? null,
        unitName: units.get(a.unitId) ?? null,
        workingMsLeft: signedWorkingMs(nowIso, a.dueAt, calendar),
      })),
    };
  }

  /** Why a dossier is (or was) late: supplement time, holidays passed, apology, working time left or over. */
  @Get('dossiers/:code/explain')
  @Can('explain-dossier')
  explain(@Param() { code }: DossierCodeParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new ExplainDossierQuery(code, caller));
  }
}
