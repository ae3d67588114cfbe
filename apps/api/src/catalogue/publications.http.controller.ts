import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DecidePublicationCommand,
  ListPublicationsQuery,
  MakeProcedurePublicCommand,
} from '@tracker/application';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@tracker/infrastructure';
import { jsonAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.guard';
import { contextOf } from '../dossiers/dossiers.http.controller';
import {
  DecidePublicationRequest,
  ListPublicationsQueryDto,
  MadePublicRequest,
  PublicationIdParam,
} from './publications.request.dto';

/** Publication decisions (quyết định công bố TTHC) and the procedures made public under them (1.1–1.3). */
@ApiTags('Công bố thủ tục')
@Controller('api/publications')
export class PublicationsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':id')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Quyết định công bố thủ tục hành chính (số, ngày, các thủ tục mới, sửa đổi, bãi bỏ)',
  })
  @ApiOkResponse(jsonAnswer('Quyết định'))
  @ApiErrors(404, 409, 422)
  decide(
    @Param() { id }: PublicationIdParam,
    @Body() body: DecidePublicationRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(
      new DecidePublicationCommand({ publicationId: id, ...body }, contextOf(caller, req)),
    );
  }

  @Post(':id/made-public')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Một thủ tục của quyết định đã được công khai' })
  @ApiCreatedResponse(jsonAnswer('Đã ghi nhận'))
  @ApiErrors(404, 409, 422)
  madePublic(
    @Param() { id }: PublicationIdParam,
    @Body() body: MadePublicRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(
      new MakeProcedurePublicCommand({ publicationId: id, ...body }, contextOf(caller, req)),
    );
  }

  @Get()
  @ApiOperation({ summary: 'Các quyết định công bố, mỗi thủ tục với đánh giá đúng hạn (1.1, 1.2)' })
  @ApiOkResponse(jsonAnswer('Các quyết định'))
  list(@Query() q: ListPublicationsQueryDto) {
    return this.queries.execute(new ListPublicationsQuery(q.from, q.to));
  }
}
