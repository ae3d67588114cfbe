import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  DecidePublicationCommand,
  ListPublicationsQuery,
  MakeProcedurePublicCommand,
} from '@tracker/application';
import type { Principal } from '@tracker/infrastructure';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.interceptor';
import { contextOf } from '../dossiers/dossiers.http.controller';
import {
  DecidePublicationRequest,
  ListPublicationsQueryDto,
  MadePublicRequest,
  PublicationIdParam,
} from './publications.request.dto';

/** Publication decisions (quyết định công bố TTHC) and the procedures made public under them (1.1–1.3). */
@Controller('api/publications')
export class PublicationsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':id')
  @HttpCode(200)
  @Roles('admin')
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
  list(@Query() q: ListPublicationsQueryDto) {
    return this.queries.execute(new ListPublicationsQuery(q.from, q.to));
  }
}
