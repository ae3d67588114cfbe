import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, CalendarProvider, CatalogueReader, signedWorkingMs, type Clock } from '@tracker/application';
import type { DeadlineAlert } from '@tracker/domain';

export type BoardAlert = DeadlineAlert & {
  procedureName: string | null;
  unitName: string | null;
  workingMsLeft: number;
};

/** An alert as the supervisor board shows it: names, and the working time left, now. */
@Injectable()
export class AlertBoard {
  constructor(
    private readonly calendars: CalendarProvider,
    private readonly catalogue: CatalogueReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async present(alerts: readonly DeadlineAlert[]): Promise<{ now: string; alerts: BoardAlert[] }> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const { calendar } = await this.calendars.current(now);
    const names = new Map(this.catalogue.listProcedures().map((p) => [p.code, p.name] as const));
    const units = new Map(this.catalogue.listUnits().map((u) => [u.unitId, u.name] as const));
    return {
      now: nowIso,
      alerts: alerts.map((a) => ({
        ...a,
        procedureName: names.get(a.procedureCode) ?? null,
        unitName: units.get(a.unitId) ?? null,
        workingMsLeft: signedWorkingMs(nowIso, a.dueAt, calendar),
      })),
    };
  }
}
