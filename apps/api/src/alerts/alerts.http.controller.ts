import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { AlertsReader, alertVisibleTo, type Caller } from '@tracker/application';
import type { DeadlineAlert } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import type { Request, Response } from 'express';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { ApiError } from '../http/api-error';
import { CurrentPrincipal, Roles } from '../http/auth.guard';

const FEED_ID = /^\d{1,20}-\d{1,20}$/;
const HEARTBEAT_MS = 15_000;

/** `unitId` must be a unit id, and one of the supervisor's own. */
function scopeOf(caller: Caller, unitId: unknown): string | undefined {
  if (unitId === undefined || unitId === '') return undefined;
  if (typeof unitId !== 'string' || !ID_PATTERN.test(unitId)) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'invalid unitId', [
      { field: 'unitId', problems: ['unitId must be a unit id'] },
    ]);
  }
  if (caller.role === 'supervisor' && !caller.units.includes(unitId)) {
    throw new ApiError(403, 'NOT_YOUR_UNIT', 'this unit is not one you serve');
  }
  return unitId;
}

/**
 * `GET /api/alerts`: the open alerts of the caller's units (all units for the reform office and admin).
 * `GET /api/alerts/stream`: Server-Sent Events, one `alert` event per change (`opened`/`closed`), each with
 * the change feed's id; a client reconnecting with `Last-Event-ID` resumes right after it.
 */
@Controller('api/alerts')
export class AlertsHttpController {
  constructor(private readonly alerts: AlertsReader) {}

  @Get()
  @Roles('supervisor', 'reform-office')
  async list(
    @Query('unitId') unitId: unknown,
    @CurrentPrincipal() caller: Principal,
  ): Promise<{ alerts: DeadlineAlert[] }> {
    return { alerts: await this.alerts.list(caller, scopeOf(caller, unitId)) };
  }

  @Get('stream')
  @Roles('supervisor', 'reform-office')
  async stream(
    @Query('unitId') unitIdParam: unknown,
    @Query('lastEventId') lastEventIdParam: unknown,
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const unitId = scopeOf(caller, unitIdParam);
    const resume = req.header('last-event-id') ?? lastEventIdParam;
    if (resume !== undefined && (typeof resume !== 'string' || !FEED_ID.test(resume))) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Last-Event-ID', [
        { field: 'Last-Event-ID', problems: ['Last-Event-ID must be an id this stream sent'] },
      ]);
    }
    let after = (resume as string | undefined) ?? (await this.alerts.lastId());
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 2000\n: alerts after ${after}\n\n`);

    const reader = this.alerts.reader();
    let open = true;
    req.on('close', () => {
      open = false;
      void reader.close();
    });
    while (open) {
      let entries;
      try {
        entries = await reader.read(after, HEARTBEAT_MS);
      } catch {
        if (!open) break;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (entries.length === 0) res.write(': ping\n\n');
      for (const entry of entries) {
        after = entry.id;
        if (!alertVisibleTo(caller, entry.alert, unitId)) continue;
        const data = JSON.stringify({ change: entry.change, alert: entry.alert });
        res.write(`id: ${entry.id}\nevent: alert\ndata: ${data}\n\n`);
      }
    }
    res.end();
  }
}
