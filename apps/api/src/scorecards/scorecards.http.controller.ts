import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetScorecardQuery, GetUnitScorecardQuery } from '@tracker/application';
import type { Scorecard } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import { scorecardCsv, scorecardXlsx } from './scorecard-export';
import {
  ScorecardExportQuery,
  ScorecardQuery,
  UnitScorecardParams,
  UnitScorecardQuery,
} from './scorecard.request.dto';

@Controller('api/scorecards')
@Roles('reform-office', 'supervisor')
export class ScorecardsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  ranking(@Query() q: ScorecardQuery, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetScorecardQuery(q.period, caller, q.level, q.asOf, q.method));
  }

  @Get('export')
  async export(
    @Query() q: ScorecardExportQuery,
    @CurrentPrincipal() caller: Principal,
    @Res() res: Response,
  ) {
    const card: Scorecard = await this.queries.execute(
      new GetScorecardQuery(q.period, caller, q.level, q.asOf, q.method),
    );
    const name = `scorecard-${q.period}${q.level ? `-${q.level}` : ''}.${q.format}`;
    const body = q.format === 'csv' ? scorecardCsv(card) : await scorecardXlsx(card);
    res
      .status(200)
      .type(
        q.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      )
      .attachment(name)
      .send(body);
  }

  @Get(':unitId')
  unit(
    @Param() { unitId }: UnitScorecardParams,
    @Query() q: UnitScorecardQuery,
    @CurrentPrincipal() caller: Principal,
  ) {
    return this.queries.execute(
      new GetUnitScorecardQuery(unitId, q.period, caller, q.asOf, q.dossiers ?? false, q.method),
    );
  }
}
