import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  GetDossierQuery,
  ReceiveDossierCommand,
  RecordDossierStepCommand,
  RequestContext,
} from '@tracker/application';
import { randomUUID } from 'node:crypto';
import { Can, CurrentPrincipal } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.interceptor';
import { refuseForeignFields } from '../http/step-request';
import type { Principal } from '@tracker/infrastructure';
import {
  DossierCodeParam,
  foreignFields,
  ReceiveDossierRequest,
  RecordDossierStepRequest,
} from './dossier.request.dto';

@Controller('api/dossiers')
export class DossiersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Can('receive-dossier')
  receive(
    @Body() body: ReceiveDossierRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new ReceiveDossierCommand(body, contextOf(caller, req)));
  }

  @Post(':code/events')
  @HttpCode(201)
  @Can('record-step')
  record(
    @Param() { code }: DossierCodeParam,
    @Body() body: RecordDossierStepRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    refuseForeignFields(body, foreignFields(body));
    return this.commands.execute(new RecordDossierStepCommand(code, body, contextOf(caller, req)));
  }

  @Get(':code')
  @Can('read-dossier')
  get(@Param() { code }: DossierCodeParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetDossierQuery(code, caller));
  }
}

export function contextOf(caller: Principal, req: IdempotentRequest): RequestContext {
  const header = req.headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID();
  return {
    caller,
    correlationId,
    ...(req.idempotencyScope ? { idempotencyScope: req.idempotencyScope } : {}),
  };
}
