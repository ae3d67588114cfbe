import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

export class DossierListItemAnswer {
  @ApiProperty({ example: 'SCT-250303-0001' }) code!: string;
  @ApiProperty({ example: 'SCT' }) unitId!: string;
  @ApiProperty({ example: 'SCT', description: 'Đơn vị đang giữ hồ sơ' }) currentUnitId!: string;
  @ApiProperty({ example: '1.001' }) procedureCode!: string;
  @ApiProperty({ example: 'received' }) status!: string;
  @ApiProperty({ example: 'online' }) channel!: string;
  @ApiProperty({ type: String, nullable: true, example: 'full' }) onlineLevel!: string | null;
  @ApiProperty({ example: '2025-03-03T09:00:00.000+07:00' }) receivedAt!: string;
  @ApiProperty({ example: '2025-03-17T09:00:00.000+07:00' }) dueAt!: string;
  @ApiProperty({ description: 'Hạn đang áp dụng (sau xin lỗi, hẹn lại)' }) effectiveDueAt!: string;
  @ApiProperty({ type: String, nullable: true }) rescheduledDueAt!: string | null;
  @ApiProperty({ description: 'Đã ghi nhận quá hạn (chưa rút lại)' }) overdue!: boolean;
  @ApiProperty({ description: 'Chưa xong và đã qua hạn đang áp dụng' }) pastDue!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Mức cảnh báo sắp đến hạn gần nhất' }) alert!:
    string | null;
  @ApiProperty() supplementRequests!: number;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedBy!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) onTime!: boolean | null;
}

export class DossierListPageAnswer {
  @ApiProperty({ type: [DossierListItemAnswer] }) items!: DossierListItemAnswer[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Gửi lại làm `cursor` để lấy trang sau; null ở trang cuối',
  })
  nextCursor!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Vị trí trong `$all` mà trang được đọc tại đó' })
  asOfPosition!: string | null;
}

export class CriterionAnswer {
  @ApiProperty({ example: '2.1' }) id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 920 }) numerator!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 1000 }) denominator!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.92 }) ratio!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 18.4 }) score!: number | null;
  @ApiProperty({ example: 20 }) max!: number;
  @ApiPropertyOptional({ description: 'Với `dossiers=true`: các hồ sơ (thủ tục, PAKN) sau tử số và bị mất' })
  explain?: Record<string, unknown>;
}

export class GroupAnswer {
  @ApiProperty({
    enum: ['transparency', 'timeliness', 'online-services', 'online-payment', 'satisfaction', 'digitization'],
  })
  id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 18.4 }) score!: number | null;
  @ApiProperty({ example: 20 }) max!: number;
  @ApiProperty({ type: [CriterionAnswer] }) criteria!: CriterionAnswer[];
}

export class UnitScoreAnswer {
  @ApiProperty({ example: 'SCT' }) unitId!: string;
  @ApiProperty({ example: 'Sở Công Thương' }) name!: string;
  @ApiProperty({ example: 'department' }) level!: string;
  @ApiProperty({ example: 80.1 }) total!: number;
  @ApiProperty({ example: 14, description: 'Tổng điểm tối đa của các tiêu chí chưa có dữ liệu' })
  maxWithoutData!: number;
  @ApiProperty({ type: String, nullable: true, example: 'Tốt' }) band!: string | null;
  @ApiPropertyOptional({ example: 3, description: 'Không có ở dòng toàn tỉnh' }) rank?: number;
  @ApiProperty({ type: [GroupAnswer] }) groups!: GroupAnswer[];
}

export class ScorecardAnswer {
  @ApiProperty({ example: '2024-Q2' }) period!: string;
  @ApiProperty({ example: 'qd766-v2' }) method!: string;
  @ApiProperty({ example: '2024-08-15T09:30:00.000+07:00' }) asOf!: string;
  @ApiProperty({ type: [UnitScoreAnswer], description: 'Xếp hạng theo cấp, rồi theo hạng' })
  units!: UnitScoreAnswer[];
  @ApiProperty({ type: UnitScoreAnswer, description: 'Dòng toàn tỉnh (cùng dạng, không có hạng)' })
  province!: UnitScoreAnswer;
}

export class ServiceStatusAnswer {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
}

export class HealthAnswer {
  @ApiProperty({ enum: ['ready', 'unavailable'] }) status!: string;
  @ApiProperty({ type: ServiceStatusAnswer }) eventStore!: ServiceStatusAnswer;
  @ApiProperty({ type: ServiceStatusAnswer }) redis!: ServiceStatusAnswer;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Độ trễ lớn nhất của các phép chiếu (số sự kiện)',
  })
  lag!: number | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'Chỉ khi có token: từng phép chiếu',
  })
  projections?: unknown[];
}

/** A read answer described in words (its shape is PRODUCT.md's); `array` for a JSON list. */
export const jsonAnswer = (description: string, array = false) => ({
  description,
  schema: array
    ? { type: 'array' as const, items: { type: 'object' as const, additionalProperties: true } }
    : { type: 'object' as const, additionalProperties: true },
});
