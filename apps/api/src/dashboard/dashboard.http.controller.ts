import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AlertsReader, CatalogueReader, ExplainDossierQuery } from '@tracker/application';
import { assertUnitAccess } from '@tracker/domain';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@tracker/infrastructure';
import { jsonAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { AlertBoard } from '../alerts/alert-board';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DossierCodeParam } from '../dossiers/dossier.request.dto';
import { ApiError } from '../http/api-error';
import { Can, CurrentPrincipal } from '../http/auth.guard';

/**
 * What the pages need beyond the public JSON API, computed on the server where the working-day calendar
 * lives: who the token belongs to, the board's time left in working hours, why a dossier is late.
 * Read-only; the same roles and unit scoping as the API routes they extend.
 */
@ApiTags('Trang web')
@Controller('api/dashboard')
export class DashboardHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly alerts: AlertsReader,
    private readonly catalogue: CatalogueReader,
    private readonly alertBoard: AlertBoard,
  ) {}

  /** The caller, by token or login (the pages show the right menu and the clerk form its units). */
  @Get('me')
  @ApiOperation({ summary: 'Người giữ token: vai trò và các đơn vị' })
  @ApiOkResponse(jsonAnswer('`subject`, `role`, `units` (unitId, name)'))
  me(@CurrentPrincipal() caller: Principal) {
    const units = caller.role === 'clerk' || caller.role === 'supervisor' ? caller.units : [];
    return {
      subject: caller.subject,
      ...(caller.displayName !== undefined ? { displayName: caller.displayName } : {}),
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
  @ApiOperation({ summary: 'Bảng theo dõi: cảnh báo với thời gian làm việc còn lại' })
  @ApiQuery({ name: 'unitId', required: false, schema: { type: 'string', example: 'SCT' } })
  @ApiOkResponse(jsonAnswer('Các cảnh báo như bảng hiển thị'))
  @ApiErrors(400)
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
    // The same presentation as the live stream's alerts (GET /api/alerts/stream), which update this list.
    return this.alertBoard.present(await this.alerts.list(caller, unitId));
  }

  /** Why a dossier is (or was) late: supplement time, holidays passed, apology, working time left or over. */
  @Get('dossiers/:code/explain')
  @Can('explain-dossier')
  @ApiOperation({
    summary: 'Vì sao hồ sơ trễ hạn (thời gian bổ sung, ngày nghỉ, xin lỗi, thời gian còn lại)',
  })
  @ApiOkResponse(jsonAnswer('Giải thích'))
  @ApiErrors(404)
  explain(@Param() { code }: DossierCodeParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new ExplainDossierQuery(code, caller));
  }
}
