import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { PortalSyncReader } from '@tracker/application';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/auth.guard';
import { jsonAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';
import { SyncCodeParam, SyncQuery } from './sync.request.dto';

/**
 * The national portal's sync (research/dvcqg-sync.md): per unit, dossiers synced, pending and failed with the
 * oldest pending push's age; the failed pushes with their errors (`status=failed`), the pending or synced
 * dossiers; and the re-send of a dossier's pushes the portal has not accepted.
 */
@ApiTags('Đồng bộ Cổng DVC quốc gia')
@Controller('api/sync')
export class SyncHttpController {
  constructor(private readonly sync: PortalSyncReader) {}

  @Get()
  @Roles('admin', 'reform-office')
  @ApiOperation({ summary: 'Tình hình đồng bộ với Cổng DVC quốc gia theo đơn vị; các lần đẩy lỗi' })
  @ApiOkResponse(jsonAnswer('Số hồ sơ đã, đang chờ, lỗi theo đơn vị; danh sách theo `status`'))
  overview(@Query() query: SyncQuery) {
    return this.sync.overview(query);
  }

  @Post(':code/resend')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Gửi lại các lần đẩy của một hồ sơ mà Cổng chưa nhận' })
  @ApiAcceptedResponse(jsonAnswer('Đã xếp lịch gửi lại'))
  @ApiErrors(404)
  resend(@Param() { code }: SyncCodeParam) {
    return this.sync.resend(code);
  }
}
