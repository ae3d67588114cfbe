import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  AlertsReader,
  CLOCK,
  CalendarProvider,
  CatalogueReader,
  GetDossierQuery,
  type Clock,
  type DossierView,
} from '@tracker/application';
import { addDays, civilDateOf, dayOfWeek, workingMsBetween, type WorkingCalendar } from '@tracker/domain';
import type { Principal } from '@tracker/infrastructure';
import { AlertBoard, signedWorkingMs } from '../alerts/alert-board';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DossierCodeParam } from '../dossiers/dossier.request.dto';
import { ApiError } from '../http/api-error';
import { CurrentPrincipal, Roles } from '../http/auth.guard';

/** Days in [from, to] (civil dates, Vietnam) that a plain Mon–Fri week would work but the calendar does not, and the reverse. */
export function calendarExceptions(
  from: string,
  to: string,
  calendar: WorkingCalendar,
): { holidays: string[]; workingWeekends: string[] } {
  const holidays: string[] = [];
  const workingWeekends: string[] = [];
  const last = civilDateOf(to);
  for (let d = civilDateOf(from), n = 0; d <= last && n < 800; d = addDays(d, 1), n++) {
    const weekday = dayOfWeek(d) >= 1 && dayOfWeek(d) <= 5;
    const working = calendar.isWorkingDay(d);
    if (weekday && !working) holidays.push(d);
    if (!weekday && working) workingWeekends.push(d);
  }
  return { holidays, workingWeekends };
}

type Str = string | null;

/**
 * What the pages need beyond the public JSON API, computed on the server where the working-day calendar
 * lives: who the token belongs to, the board's time left in working hours, why a dossier is late.
 * Read-only; the same roles and unit scoping as the API routes they extend.
 */
@Controller('api/dashboard')
export class DashboardHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly alerts: AlertsReader,
    private readonly calendars: CalendarProvider,
    private readonly catalogue: CatalogueReader,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly alertBoard: AlertBoard,
  ) {}

  /** The token's holder (the pages show the right menu and the clerk form its units). */
  @Get('me')
  me(@CurrentPrincipal() caller: Principal) {
    const units = caller.role === 'clerk' || caller.role === 'supervisor' ? caller.units : [];
    return {
      subject: caller.subject,
      role: caller.role,
      units: units.map((u) => ({
        unitId: u,
        name: this.catalogue.listUnits().find((x) => x.unitId === u)?.name,
      })),
    };
  }

  /** `GET /api/alerts` with each alert's time left in working hours and the procedure's name. */
  @Get('board')
  @Roles('supervisor', 'reform-office')
  async board(@Query('unitId') unitIdParam: unknown, @CurrentPrincipal() caller: Principal) {
    let unitId: string | undefined;
    if (unitIdParam !== undefined && unitIdParam !== '') {
      if (typeof unitIdParam !== 'string' || !ID_PATTERN.test(unitIdParam)) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'invalid unitId', [
          { field: 'unitId', problems: ['unitId must be a unit id'] },
        ]);
      }
      if (caller.role === 'supervisor' && !caller.units.includes(unitIdParam)) {
        throw new ApiError(403, 'NOT_YOUR_UNIT', 'this unit is not one you serve');
      }
      unitId = unitIdParam;
    }
    // The same presentation as the live stream's alerts (GET /api/alerts/stream), which update this list.
    return this.alertBoard.present(await this.alerts.list(caller, unitId));
  }

  /** Why a dossier is (or was) late: supplement time, holidays passed, apology, working time left or over. */
  @Get('dossiers/:code/explain')
  @Roles('clerk', 'supervisor', 'reform-office')
  async explain(@Param() { code }: DossierCodeParam, @CurrentPrincipal() caller: Principal) {
    const view = (await this.queries.execute(new GetDossierQuery(code, caller))) as DossierView &
      Record<string, any>;
    const calendar = await this.calendars.atVersion(String(view.calendarVersion ?? ''));
    const now = this.clock.now().toISOString();
    const receivedAt = view.receivedAt as string;
    const dueAt = view.dueAt as string;
    const rescheduledDueAt = (view.rescheduledDueAt as Str) ?? null;
    const finishedAt = (view.finishedAt as Str) ?? null;
    const end = finishedAt ?? now;
    const supplementMs = Number(view.supplement?.totalMs ?? 0);
    const supplementRequests = Number(view.supplement?.requests ?? 0);
    // The score's rule (SCORING.md, "On time"): the citizen's supplement time does not count against the office.
    const judgedEnd = new Date(Date.parse(end) - supplementMs).toISOString();
    const span = calendarExceptions(receivedAt, Date.parse(end) > Date.parse(dueAt) ? end : dueAt, calendar);
    const reasons: { kind: string; text: string }[] = [];
    if (supplementRequests > 0)
      reasons.push({
        kind: 'supplement',
        text: `${supplementRequests} lần yêu cầu bổ sung (supplement), ${hours(supplementMs)} giờ thuộc về công dân${supplementRequests > 1 ? '; hơn một lần bổ sung nên hồ sơ bị tính là trễ hạn' : ''}`,
      });
    if (span.holidays.length)
      reasons.push({
        kind: 'holidays',
        text: `${span.holidays.length} ngày nghỉ lễ (holidays) trong thời gian giải quyết: ${span.holidays.join(', ')}`,
      });
    if (view.apology)
      reasons.push({
        kind: 'apology',
        text: `Đã có phiếu xin lỗi (apology), hẹn lại ${rescheduledDueAt ?? ''}: ${view.apology.reason ?? ''}`,
      });
    const overByMs =
      Date.parse(judgedEnd) > Date.parse(dueAt) ? workingMsBetween(dueAt, judgedEnd, calendar) : 0;
    if (overByMs > 0)
      reasons.push({
        kind: 'late',
        text: `Quá hạn ${hours(overByMs)} giờ làm việc so với ngày hẹn trả ban đầu`,
      });
    return {
      code: view.code,
      now,
      receivedAt,
      dueAt,
      rescheduledDueAt,
      effectiveDueAt: view.effectiveDueAt ?? dueAt,
      finishedAt,
      overdue: Boolean(view.overdue),
      onTime: view.onTime ?? null,
      supplement: { requests: supplementRequests, totalMs: supplementMs },
      holidays: span.holidays,
      workingWeekends: span.workingWeekends,
      apology: view.apology ?? null,
      allowedWorkingMs: workingMsBetween(receivedAt, dueAt, calendar),
      usedWorkingMs: workingMsBetween(receivedAt, judgedEnd, calendar),
      workingMsLeft: finishedAt ? null : signedWorkingMs(now, String(view.effectiveDueAt ?? dueAt), calendar),
      overByWorkingMs: overByMs,
      reasons,
    };
  }
}

const hours = (ms: number) => (Math.round((ms / 3_600_000) * 10) / 10).toLocaleString('vi-VN');
