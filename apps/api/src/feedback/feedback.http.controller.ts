import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  GetFeedbackQuery,
  ListFeedbackQuery,
  ReceiveFeedbackCommand,
  RecordFeedbackStepCommand,
} from '@tracker/application';
import { FEEDBACK_OTHER_EVENT_LABELS, FEEDBACK_STEPS } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import { contextOf } from '../dossiers/dossiers.http.controller';
import { Can, CurrentPrincipal } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.interceptor';
import { refuseForeignFields } from '../http/step-request';
import {
  FeedbackIdParam,
  foreignFeedbackFields,
  ListFeedbackRequest,
  ReceiveFeedbackRequest,
  RecordFeedbackStepRequest,
} from './feedback.request.dto';

/** Feedback (phản ánh, kiến nghị): received by a clerk of the unit, handled by the unit holding it. */
@Controller('api/feedback')
export class FeedbackHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Can('receive-feedback')
  receive(
    @Body() body: ReceiveFeedbackRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    return this.commands.execute(new ReceiveFeedbackCommand(body, contextOf(caller, req)));
  }

  /** The step types with their fields and labels (the pages build their form from it). */
  @Get('step-types')
  @Can('read-feedback')
  stepTypes() {
    return {
      steps: FEEDBACK_STEPS.map((s) => ({ type: s.type, labels: s.labels, fields: s.fields })),
      events: {
        ...FEEDBACK_OTHER_EVENT_LABELS,
        ...Object.fromEntries(FEEDBACK_STEPS.map((s) => [s.event, s.labels])),
      },
    };
  }

  @Post(':id/events')
  @HttpCode(201)
  @Can('record-feedback-step')
  record(
    @Param() { id }: FeedbackIdParam,
    @Body() body: RecordFeedbackStepRequest,
    @CurrentPrincipal() caller: Principal,
    @Req() req: IdempotentRequest,
  ) {
    refuseForeignFields(body, foreignFeedbackFields(body));
    return this.commands.execute(new RecordFeedbackStepCommand(id, body, contextOf(caller, req)));
  }

  @Get()
  @Can('read-feedback')
  list(@Query() query: ListFeedbackRequest, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new ListFeedbackQuery(query, caller));
  }

  @Get(':id')
  @Can('read-feedback')
  get(@Param() { id }: FeedbackIdParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetFeedbackQuery(id, caller));
  }
}
