import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  AlertsReader,
  CatalogueReader,
  alertVisibleTo,
  assertUnitFilter,
  compareFeedIds,
  type AlertFeedEntry,
  type Caller,
} from '@tracker/application';
import { withSubject, type DeadlineAlert } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { ApiError } from '../http/api-error';
import { CurrentPrincipal, Roles } from '../http/auth.guard';
import { AlertBoard } from './alert-board';
import { AlertStreamHub } from './alert-stream.hub';
import { jsonAnswer } from '../openapi/answers';
import { ApiErrors } from '../openapi/error-responses';

const UNIT_QUERY = {
  name: 'unitId',
  required: false,
  schema: { type: 'string' as const, pattern: ID_PATTERN.source },
};

const FEED_ID = /^\d{1,20}-\d{1,20}$/;
const HEARTBEAT_MS = 15_000;

/** `unitId` must be a unit id, of a unit that exists and that the caller may read (assertUnitFilter). */
async function scopeOf(
  catalogue: CatalogueReader,
  caller: Caller,
  unitId: unknown,
): Promise<string | undefined> {
  if (unitId === undefined || unitId === '') return undefined;
  if (typeof unitId !== 'string' || !ID_PATTERN.test(unitId)) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'invalid unitId', [
      { field: 'unitId', problems: ['unitId must be a unit id'] },
    ]);
  }
  await assertUnitFilter(catalogue, caller, unitId);
  return unitId;
}

/**
 * `GET /api/alerts`: the open alerts of the caller's units (all units for the reform office and admin).
 * `GET /api/alerts/stream`: Server-Sent Events, one `alert` event per change (`opened`/`closed`) carrying the
 * alert as the board shows it (names, working time left), each with the change feed's id; a client
 * reconnecting with `Last-Event-ID` resumes right after it. At most SSE_STREAMS_PER_TOKEN streams per token.
 */
@ApiTags('Cảnh báo')
@Controller('api/alerts')
export class AlertsHttpController {
  constructor(
    private readonly alerts: AlertsReader,
    private readonly hub: AlertStreamHub,
    private readonly board: AlertBoard,
    private readonly catalogue: CatalogueReader,
  ) {}

  @Get()
  @Roles('supervisor', 'reform-office')
  @ApiOperation({ summary: 'Cảnh báo đang mở (sắp đến hạn, cần xin lỗi, quá hạn) của hồ sơ và PAKN' })
  @ApiQuery(UNIT_QUERY)
  @ApiOkResponse(jsonAnswer('`alerts`'))
  @ApiErrors(400, 404)
  async list(
    @Query('unitId') unitId: unknown,
    @CurrentPrincipal() caller: Principal,
  ): Promise<{ alerts: DeadlineAlert[] }> {
    return { alerts: await this.alerts.list(caller, await scopeOf(this.catalogue, caller, unitId)) };
  }

  @Get('stream')
  @Roles('supervisor', 'reform-office')
  @ApiOperation({
    summary: 'Luồng Server-Sent Events: một sự kiện `alert` cho mỗi thay đổi',
    description: 'Kết nối lại với `Last-Event-ID` (hoặc `lastEventId`) để nhận tiếp sau sự kiện đó.',
  })
  @ApiQuery(UNIT_QUERY)
  @ApiQuery({ name: 'lastEventId', required: false, schema: { type: 'string', pattern: FEED_ID.source } })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Luồng sự kiện (text/event-stream)' })
  @ApiErrors(400, 404)
  async stream(
    @Query('unitId') unitIdParam: unknown,
    @Query('lastEventId') lastEventIdParam: unknown,
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const unitId = await scopeOf(this.catalogue, caller, unitIdParam);
    const resume = req.header('last-event-id') ?? lastEventIdParam;
    if (resume !== undefined && (typeof resume !== 'string' || !FEED_ID.test(resume))) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid Last-Event-ID', [
        { field: 'Last-Event-ID', problems: ['Last-Event-ID must be an id this stream sent'] },
      ]);
    }
    if (!this.hub.acquire(caller.subject)) {
      throw new ApiError(
        429,
        'TOO_MANY_STREAMS',
        'this token has as many alert streams open as it may; close one (another tab) first',
      );
    }
    let released = false;
    const release = () => {
      if (!released) this.hub.release(caller.subject);
      released = true;
    };
    let after: string;
    try {
      after = (resume as string | undefined) ?? (await this.alerts.lastId());
    } catch (error) {
      release();
      throw error;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 2000\n: alerts after ${after}\n\n`);

    let open = true;
    // Entries go out in feed order, each once: the catch-up and the live feed may overlap.
    let sending = Promise.resolve();
    const send = async (entries: readonly AlertFeedEntry[]) => {
      const fresh = entries.filter((e) => compareFeedIds(e.id, after) > 0);
      if (!open || fresh.length === 0) return;
      after = fresh[fresh.length - 1].id;
      const shown = fresh.filter((e) => alertVisibleTo(caller, e.alert, unitId));
      const { alerts } = await this.board.present(shown.map((e) => withSubject(e.alert)));
      shown.forEach((entry, i) => {
        const data = JSON.stringify({ change: entry.change, alert: alerts[i] });
        res.write(`id: ${entry.id}\nevent: alert\ndata: ${data}\n\n`);
      });
    };
    const queue = (entries: readonly AlertFeedEntry[]) => {
      sending = sending.then(() => send(entries)).catch(() => end());
    };
    const pending: AlertFeedEntry[] = [];
    let live = false;
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    let unsubscribe = () => {};
    const end = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      unsubscribe();
      release();
      // The client reconnects with the last id it received and misses nothing.
      res.end();
    };
    res.on('close', end);
    unsubscribe = await this.hub.subscribe((entries) => {
      if (live) queue(entries);
      else pending.push(...entries);
    });
    if (!open) return unsubscribe();
    try {
      for (;;) {
        const page = await this.alerts.range(after);
        if (page.length === 0) break;
        await send(page);
      }
    } catch {
      return end();
    }
    live = true;
    queue(pending.splice(0));
  }
}
