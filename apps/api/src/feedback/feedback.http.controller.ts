import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  GetFeedbackQuery,
  ListFeedbackQuery,
  ReceiveFeedbackCommand,
  RecordFeedbackStepCommand,
} from '@tracker/application';
import { FEEDBACK_OTHER_EVENT_LABELS, FEEDBACK_STEPS } from '@tracker/domain';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@tracker/infrastructure';
import { FeedbackReceivedAnswer, jsonAnswer, StepRecordedAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { contextOf } from '../dossiers/dossiers.http.controller';
import { Can, CurrentPrincipal } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.guard';
import { refuseForeignFields } from '../http/step-request';
import {
  FeedbackIdParam,
  foreignFeedbackFields,
  ListFeedbackRequest,
  ReceiveFeedbackRequest,
  RecordFeedbackStepRequest,
} from './feedback.request.dto';

/** Feedback (phản ánh, kiến nghị): received by a clerk of the unit, handled by the unit holding it. */
@ApiTags('Phản ánh, kiến nghị')
@Controller('api/feedback')
export class FeedbackHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Can('receive-feedback')
  @ApiOperation({ summary: 'Tiếp nhận một phản ánh, kiến nghị (PAKN) và tính các hạn xử lý' })
  @ApiBody({
    type: ReceiveFeedbackRequest,
    examples: {
      dossier: {
        summary: 'Phản ánh về một hồ sơ trễ hạn',
        value: {
          unitId: 'SCT',
          receivedAt: '2025-03-20T08:30:00+07:00',
          channel: 'national-portal',
          about: 'dossier',
          dossierCode: 'SCT-250303-0001',
          summary: 'Hồ sơ đã quá hạn trả kết quả nhưng chưa nhận được phiếu xin lỗi',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: FeedbackReceivedAnswer, description: 'Đã tiếp nhận' })
  @ApiErrors(404, 409, 422)
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
  @ApiOperation({ summary: 'Các loại bước của PAKN: trường và nhãn' })
  @ApiOkResponse(jsonAnswer('`steps` và `events`'))
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
  @ApiOperation({ summary: 'Ghi nhận một bước xử lý PAKN (đơn vị đang giữ)' })
  @ApiBody({
    type: RecordFeedbackStepRequest,
    examples: {
      answered: {
        summary: 'Đã trả lời',
        value: {
          type: 'answered',
          occurredAt: '2025-03-25T16:00:00+07:00',
          summary: 'Đã trả kết quả và gửi phiếu xin lỗi cho công dân',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: StepRecordedAnswer, description: 'Đã ghi nhận' })
  @ApiErrors(404, 409, 422)
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
  @ApiOperation({ summary: 'Danh sách PAKN (lọc, phân trang bằng cursor)' })
  @ApiOkResponse(jsonAnswer('Một trang: `items` và `nextCursor`'))
  @ApiErrors(404)
  list(@Query() query: ListFeedbackRequest, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new ListFeedbackQuery(query, caller));
  }

  @Get(':id')
  @Can('read-feedback')
  @ApiOperation({ summary: 'Trạng thái, các hạn và lịch sử của một PAKN' })
  @ApiOkResponse(jsonAnswer('PAKN'))
  @ApiErrors(404)
  get(@Param() { id }: FeedbackIdParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetFeedbackQuery(id, caller));
  }
}
