import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { PortalSyncReader } from '@tracker/application';
import { Roles } from '../http/auth.guard';
import { SyncCodeParam, SyncQuery } from './sync.request.dto';

/**
 * The national portal's sync (research/dvcqg-sync.md): per unit, dossiers synced, pending and failed with the
 * oldest pending push's age; the failed pushes with their errors (`status=failed`), the pending or synced
 * dossiers; and the re-send of a dossier's pushes the portal has not accepted.
 */
@Controller('api/sync')
export class SyncHttpController {
  constructor(private readonly sync: PortalSyncReader) {}

  @Get()
  @Roles('admin', 'reform-office')
  overview(@Query() query: SyncQuery) {
    return this.sync.overview(query);
  }

  @Post(':code/resend')
  @HttpCode(202)
  @Roles('admin')
  resend(@Param() { code }: SyncCodeParam) {
    return this.sync.resend(code);
  }
}
