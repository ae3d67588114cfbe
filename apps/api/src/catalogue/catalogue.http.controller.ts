import { Body, Controller, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DefineProcedureCommand,
  DefineUnitCommand,
  ListProceduresQuery,
  ListUnitsQuery,
  SetCalendarCommand,
} from '@tracker/application';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@tracker/infrastructure';
import { jsonAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.guard';
import { contextOf } from '../dossiers/dossiers.http.controller';
import {
  CalendarYearParam,
  DefineProcedureRequest,
  DefineUnitRequest,
  ProcedureCodeParam,
  SetCalendarRequest,
  UnitIdParam,
} from './catalogue.request.dto';

/** Units, the procedure catalogue and the working-day calendar: maintained by admins, read by everyone. */
@ApiTags('Danh mục')
@Controller('api')
export class CatalogueHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put('units/:unitId')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Khai báo hoặc sửa một đơn vị (sở, huyện, xã)' })
  @ApiOkResponse(jsonAnswer('Đơn vị'))
  @ApiErrors(404, 409, 422)
  defineUnit(
    @Param() { unitId }: UnitIdParam,
    @Body() body: DefineUnitRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new DefineUnitCommand({ unitId, ...body }, contextOf(caller, req)));
  }

  @Get('units')
  @ApiOperation({ summary: 'Các đơn vị' })
  @ApiOkResponse(jsonAnswer('Danh sách đơn vị', true))
  listUnits() {
    return this.queries.execute(new ListUnitsQuery());
  }

  @Put('procedures/:code')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Khai báo thủ tục hành chính (phiên bản có ngày hiệu lực)' })
  @ApiOkResponse(jsonAnswer('Thủ tục'))
  @ApiErrors(404, 409, 422)
  defineProcedure(
    @Param() { code }: ProcedureCodeParam,
    @Body() body: DefineProcedureRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new DefineProcedureCommand({ code, ...body }, contextOf(caller, req)));
  }

  @Get('procedures')
  @ApiOperation({ summary: 'Danh mục thủ tục' })
  @ApiOkResponse(jsonAnswer('Danh sách thủ tục', true))
  listProcedures() {
    return this.queries.execute(new ListProceduresQuery());
  }

  @Put('calendar/:year')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Ngày nghỉ và ngày làm việc bù của một năm (chồng lên lịch sinh sẵn)' })
  @ApiOkResponse(jsonAnswer('Lịch của năm'))
  @ApiErrors(409, 422)
  setCalendar(
    @Param() { year }: CalendarYearParam,
    @Body() body: SetCalendarRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(
      new SetCalendarCommand({ year: Number(year), ...body }, contextOf(caller, req)),
    );
  }
}
