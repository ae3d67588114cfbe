import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { DossierListPage, ListDossiersQuery } from '@tracker/application';
import type { Principal } from '@tracker/infrastructure';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../http/api-error';
import { DossierListPageAnswer } from '../openapi/answers';
import { CurrentPrincipal, Can } from '../http/auth.guard';
import { ApiErrors } from '../openapi/error-responses';
import { ListDossiersRequest } from './dossier-list.request.dto';

/** `GET /api/dossiers`: the dossier-list read model, cursor paged (see ListDossiersHandler for the filters). */
@ApiTags('Hồ sơ')
@Controller('api/dossiers')
export class DossierListHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Can('list-dossiers')
  @ApiOperation({ summary: 'Danh sách hồ sơ (lọc, phân trang bằng cursor)' })
  @ApiOkResponse({ type: DossierListPageAnswer, description: 'Một trang' })
  @ApiErrors(404)
  list(@Query() query: ListDossiersRequest, @CurrentPrincipal() caller: Principal): Promise<DossierListPage> {
    if (
      query.receivedFrom &&
      query.receivedTo &&
      Date.parse(query.receivedFrom) > Date.parse(query.receivedTo)
    ) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid receivedTo', [
        { field: 'receivedTo', problems: ['receivedTo must not lie before receivedFrom'] },
      ]);
    }
    return this.queries.execute(new ListDossiersQuery(query, caller));
  }
}
