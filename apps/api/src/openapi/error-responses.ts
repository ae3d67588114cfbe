import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

// The error bodies of PRODUCT.md (`{ "error": { "code", "message", "details"? } }`, error-body.ts) as schema
// classes, declared once; routes name the refusals they can give with @ApiErrors(…), and setupOpenApi adds
// the ones every route of a kind can give (400, 401, 403, 413, 429, 503) from the route's own metadata.

export class ApiErrorContent {
  @ApiProperty({ description: 'Mã lỗi ổn định, để máy đọc', example: 'NOT_FOUND' })
  code!: string;

  @ApiProperty({ description: 'Mô tả lỗi cho người đọc (tiếng Anh)', example: 'no dossier SCT-250303-0001' })
  message!: string;

  @ApiPropertyOptional({ description: 'Chi tiết thêm, tùy lỗi' })
  details?: unknown;
}

export class ApiErrorBody {
  @ApiProperty({ type: ApiErrorContent })
  error!: ApiErrorContent;
}

export class FieldProblemSchema {
  @ApiProperty({
    description: 'Trường sai (đường dẫn có dấu chấm cho trường lồng nhau)',
    example: 'receivedAt',
  })
  field!: string;

  @ApiProperty({
    type: [String],
    example: ['receivedAt must be an ISO-8601 date-time with an offset, e.g. 2025-03-04T09:15:00+07:00'],
  })
  problems!: string[];
}

export class ValidationErrorContent {
  @ApiProperty({ enum: ['VALIDATION_FAILED', 'MALFORMED_JSON'], example: 'VALIDATION_FAILED' })
  code!: string;

  @ApiProperty({ example: 'invalid receivedAt' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldProblemSchema], description: 'Mỗi trường sai một mục' })
  details?: FieldProblemSchema[];
}

export class ValidationErrorBody {
  @ApiProperty({ type: ValidationErrorContent })
  error!: ValidationErrorContent;
}

export const ERROR_SCHEMAS = [
  ApiErrorContent,
  ApiErrorBody,
  FieldProblemSchema,
  ValidationErrorContent,
  ValidationErrorBody,
];

type Refusal = Readonly<{
  description: string;
  type: typeof ApiErrorBody | typeof ValidationErrorBody;
  code: string;
  message: string;
}>;

/** Every refusal the API gives, with its meaning in Vietnamese and one example body. */
export const REFUSALS = {
  400: {
    description: 'Dữ liệu không hợp lệ: mỗi trường sai được nêu tên trong `details`',
    type: ValidationErrorBody,
    code: 'VALIDATION_FAILED',
    message: 'invalid receivedAt',
  },
  401: {
    description: 'Chưa xác thực: thiếu hoặc sai `Authorization: Bearer <token>` (hoặc phiên đăng nhập)',
    type: ApiErrorBody,
    code: 'UNAUTHENTICATED',
    message: 'unknown token',
  },
  403: {
    description: 'Vai trò của người gọi không được làm việc này',
    type: ApiErrorBody,
    code: 'FORBIDDEN',
    message: 'this action is not open to the clerk role',
  },
  404: {
    description: 'Không có (hoặc thuộc đơn vị khác của người gọi: trả lời như không có)',
    type: ApiErrorBody,
    code: 'DOSSIER_NOT_FOUND',
    message: 'no dossier SCT-250303-0001',
  },
  409: {
    description: 'Trạng thái hiện tại không cho phép bước này, hoặc có thay đổi đồng thời (thử lại)',
    type: ApiErrorBody,
    code: 'STEP_ALREADY_RECORDED',
    message: 'the dossier was already processed at 2025-03-10T15:00:00.000+07:00',
  },
  413: {
    description: 'Thân yêu cầu vượt quá 256 KB',
    type: ApiErrorBody,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'request entity too large',
  },
  422: {
    description: 'Yêu cầu đúng dạng nhưng quy tắc nghiệp vụ từ chối',
    type: ApiErrorBody,
    code: 'OCCURRED_BEFORE_RECEIPT',
    message: 'occurredAt lies before the dossier was received',
  },
  429: {
    description: 'Quá nhiều yêu cầu không có token hợp lệ từ một địa chỉ (xem `Retry-After`)',
    type: ApiErrorBody,
    code: 'TOO_MANY_REQUESTS',
    message: 'ThrottlerException: Too Many Requests',
  },
  503: {
    description:
      'Kho sự kiện hoặc Redis không trả lời: không có gì được ghi; gửi lại đúng yêu cầu đó (cùng Idempotency-Key) sau `Retry-After`',
    type: ApiErrorBody,
    code: 'SERVICE_UNAVAILABLE',
    message: 'the event store or Redis is not answering; retry shortly',
  },
} as const satisfies Record<number, Refusal>;

export type RefusalStatus = keyof typeof REFUSALS;

/** The OpenAPI response object of a refusal (for the document's post-pass, which holds no decorators). */
export function refusalResponse(status: RefusalStatus, schemaRef: (name: string) => string) {
  const r: Refusal = REFUSALS[status];
  return {
    description: r.description,
    content: {
      'application/json': {
        schema: { $ref: schemaRef(r.type.name) },
        example: { error: { code: r.code, message: r.message } },
      },
    },
  };
}

/** The refusals a route gives beyond those of its kind: `@ApiErrors(404, 409, 422)`. */
export const ApiErrors = (...statuses: RefusalStatus[]) =>
  applyDecorators(
    ...statuses.map((status) => {
      const r: Refusal = REFUSALS[status];
      return ApiResponse({
        status,
        description: r.description,
        type: r.type,
        example: { error: { code: r.code, message: r.message } },
      });
    }),
  );
