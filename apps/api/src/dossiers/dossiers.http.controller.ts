import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  GetDossierQuery,
  ReceiveDossierCommand,
  RecordDossierStepCommand,
  RequestContext,
} from '@tracker/application';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DossierReceivedAnswer, jsonAnswer, StepRecordedAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { Can, CurrentPrincipal } from '../http/auth.guard';
import type { IdempotentRequest } from '../http/idempotency.guard';
import { refuseForeignFields } from '../http/step-request';
import type { Principal } from '@tracker/infrastructure';
import {
  DossierCodeParam,
  foreignFields,
  ReceiveDossierRequest,
  RecordDossierStepRequest,
} from './dossier.request.dto';

@ApiTags('Hồ sơ')
@Controller('api/dossiers')
export class DossiersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Can('receive-dossier')
  @ApiOperation({ summary: 'Tiếp nhận hồ sơ', description: 'Mã hồ sơ được sinh khi không gửi `code`.' })
  @ApiBody({
    type: ReceiveDossierRequest,
    examples: {
      online: {
        summary: 'Hồ sơ nộp trực tuyến toàn trình, có phí',
        value: {
          unitId: 'SCT',
          procedureCode: '1.001',
          channel: 'online',
          onlineLevel: 'full',
          receivedAt: '2025-03-03T09:00:00+07:00',
          feeAmount: 50000,
          applicantName: 'Nguyễn Văn An',
          applicantKind: 'citizen',
          summary: 'Cấp Giấy phép kinh doanh rượu bán lẻ',
          identifiedThrough: 'vneid',
        },
      },
      inPerson: {
        summary: 'Hồ sơ nộp trực tiếp tại Bộ phận Một cửa',
        value: {
          code: 'SCT-250303-0002',
          unitId: 'SCT',
          procedureCode: '1.001',
          channel: 'in-person',
          receivedAt: '2025-03-03T14:15:00+07:00',
          applicantName: 'Công ty TNHH Thương mại Hội An',
          applicantKind: 'organisation',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: DossierReceivedAnswer, description: 'Đã tiếp nhận' })
  @ApiErrors(404, 409, 422)
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
  @ApiOperation({
    summary: 'Ghi nhận một bước của hồ sơ',
    description: 'Thân theo `type` (mỗi loại bước một lược đồ); `apology-issued` do lãnh đạo đơn vị ký.',
  })
  @ApiBody({
    type: RecordDossierStepRequest,
    examples: {
      processed: {
        summary: 'Đã xử lý xong, được duyệt',
        value: { type: 'processed', occurredAt: '2025-03-10T15:00:00+07:00', outcome: 'approved' },
      },
      supplement: {
        summary: 'Yêu cầu bổ sung hồ sơ',
        value: {
          type: 'supplement-requested',
          occurredAt: '2025-03-04T10:30:00+07:00',
          reason: 'Thiếu bản sao Giấy chứng nhận đăng ký doanh nghiệp',
        },
      },
      apology: {
        summary: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
        value: {
          type: 'apology-issued',
          occurredAt: '2025-03-14T08:00:00+07:00',
          reason: 'Cần xác minh thêm tại cơ sở kinh doanh',
          newDueAt: '2025-03-21T16:00:00+07:00',
          signedBy: 'Trần Thị Bình, Phó Giám đốc',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: StepRecordedAnswer, description: 'Đã ghi nhận' })
  @ApiErrors(404, 409, 422)
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
  @ApiOperation({ summary: 'Trạng thái và toàn bộ lịch sử của hồ sơ (đọc từ luồng sự kiện)' })
  @ApiOkResponse(
    jsonAnswer(
      'status, dueAt, rescheduledDueAt, overdue, finishedAt, onTime, thời gian bổ sung, lịch sử (người, lúc)',
    ),
  )
  @ApiErrors(404)
  get(@Param() { code }: DossierCodeParam, @CurrentPrincipal() caller: Principal) {
    return this.queries.execute(new GetDossierQuery(code, caller));
  }
}

/** An `X-Correlation-Id` the events carry as sent; any other is replaced by a random one. */
export const CORRELATION_ID_PATTERN = /^[\w.:-]{1,100}$/;

export function contextOf(caller: Principal, req: IdempotentRequest): RequestContext {
  const header = req.headers['x-correlation-id'];
  const correlationId =
    typeof header === 'string' && CORRELATION_ID_PATTERN.test(header) ? header : randomUUID();
  return {
    caller,
    correlationId,
    ...(req.idempotencyScope ? { idempotencyScope: req.idempotencyScope } : {}),
  };
}
