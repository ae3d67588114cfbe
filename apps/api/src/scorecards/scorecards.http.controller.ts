import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetScorecardQuery, GetUnitScorecardQuery } from '@tracker/application';
import type { Scorecard } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ScorecardAnswer, UnitScoreAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import { scorecardCsv, scorecardXlsx } from './scorecard-export';
import {
  ScorecardExportQuery,
  ScorecardQuery,
  UnitScorecardParams,
  UnitScorecardQuery,
} from './scorecard.request.dto';

@ApiTags('Bộ chỉ số QĐ 766')
@Controller('api/scorecards')
@Roles('reform-office', 'supervisor')
export class ScorecardsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Xếp hạng theo cấp: tổng điểm, xếp loại, sáu nhóm tiêu chí; và dòng toàn tỉnh' })
  @ApiOkResponse({ type: ScorecardAnswer })
  ranking(@Query() q: ScorecardQuery, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetScorecardQuery(q.period, caller, q.level, q.asOf, q.method));
  }

  @Get('export')
  @ApiOperation({ summary: 'Xuất bảng xếp hạng ra tệp CSV hoặc XLSX' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'Tệp đính kèm' })
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
  @ApiOperation({ summary: 'Điểm của một đơn vị, kèm các hồ sơ sau mỗi tử số khi `dossiers=true`' })
  @ApiOkResponse({
    type: UnitScoreAnswer,
    description: 'Một phần tử của `units`, với `period`, `method`, `asOf` bên cạnh',
  })
  @ApiErrors(404)
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
