import { ApiProperty } from '@nestjs/swagger';

// The answers of the writes, as schema classes for the description (the handlers return plain objects).

export class DossierReceivedAnswer {
  @ApiProperty({
    example: 'SCT-250303-0001',
    description: 'Mã hồ sơ (`{đơn vị}-{yymmdd}-{số}` khi không gửi)',
  })
  code!: string;

  @ApiProperty({
    example: '2025-03-17T09:00:00.000+07:00',
    description: 'Hạn trả kết quả theo ngày làm việc',
  })
  dueAt!: string;

  @ApiProperty({ example: 'received' })
  status!: string;

  @ApiProperty({ example: 1, description: 'Phiên bản của luồng hồ sơ sau khi ghi' })
  revision!: number;
}

export class StepRecordedAnswer {
  @ApiProperty({ example: 'processed' })
  status!: string;

  @ApiProperty({ example: 4 })
  revision!: number;
}

export class FeedbackReceivedAnswer {
  @ApiProperty({ example: 'PAKN-SCT-250303-0001' })
  id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Các hạn xử lý theo ngày làm việc',
  })
  deadlines!: Record<string, unknown>;

  @ApiProperty({ example: 'received' })
  status!: string;

  @ApiProperty({ example: 1 })
  revision!: number;
}

/** A read answer described in words (its shape is PRODUCT.md's); `array` for a JSON list. */
export const jsonAnswer = (description: string, array = false) => ({
  description,
  schema: array
    ? { type: 'array' as const, items: { type: 'object' as const, additionalProperties: true } }
    : { type: 'object' as const, additionalProperties: true },
});
