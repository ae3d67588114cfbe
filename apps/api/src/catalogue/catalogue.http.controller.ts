import { Body, Controller, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DefineProcedureCommand,
  DefineUnitCommand,
  ListProceduresQuery,
  ListUnitsQuery,
  SetCalendarCommand,
} from '@tracker/application';
import type { Principal } from '@tracker/infrastructure';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.interceptor';
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
@Controller('api')
export class CatalogueHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put('units/:unitId')
  @HttpCode(200)
  @Roles('admin')
  defineUnit(
    @Param() { unitId }: UnitIdParam,
    @Body() body: DefineUnitRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new DefineUnitCommand({ unitId, ...body }, contextOf(caller, req)));
  }

  @Get('units')
  listUnits() {
    return this.queries.execute(new ListUnitsQuery());
  }

  @Put('procedures/:code')
  @HttpCode(200)
  @Roles('admin')
  defineProcedure(
    @Param() { code }: ProcedureCodeParam,
    @Body() body: DefineProcedureRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new DefineProcedureCommand({ code, ...body }, contextOf(caller, req)));
  }

  @Get('procedures')
  listProcedures() {
    return this.queries.execute(new ListProceduresQuery());
  }

  @Put('calendar/:year')
  @HttpCode(200)
  @Roles('admin')
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
