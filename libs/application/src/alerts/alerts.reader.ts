import { Inject, Injectable } from '@nestjs/common';
import { withSubject, type DeadlineAlert } from '@tracker/domain';
import type { Caller } from '../access/caller';
import { PROJECTION_STORE, type ProjectionStore } from '../projections/projection-store.port';
import { ALERT_FEED, type AlertFeed, type AlertFeedEntry, type AlertFeedReader } from './alert-feed.port';
import { alertsProjection, type AlertsView } from './alerts.projection';
import { feedbackAlertsProjection } from './feedback-alerts.projection';

/** Reform office and admin see every unit; supervisors their own (the receiving or the current unit). */
export function alertVisibleTo(caller: Caller, alert: DeadlineAlert, unitId?: string): boolean {
  const units = [alert.unitId, alert.currentUnitId];
  if (unitId !== undefined && !units.includes(unitId)) return false;
  if (caller.role === 'admin' || caller.role === 'reform-office') return true;
  return units.some((u) => caller.units.includes(u));
}

/** `GET /api/alerts` and `/api/alerts/stream` over the `alerts.v1` read model and its change feed. */
@Injectable()
export class AlertsReader {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(ALERT_FEED) private readonly feed: AlertFeed,
  ) {}

  /** Open alerts the caller may see (dossiers' and feedback items'), oldest first, each with its subject. */
  async list(caller: Caller, unitId?: string): Promise<DeadlineAlert[]> {
    const found = [
      ...(await this.listOf(alertsProjection, caller, unitId)),
      ...(await this.listOf(feedbackAlertsProjection, caller, unitId)),
    ];
    return found
      .map(withSubject)
      .sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id));
  }

  private async listOf(
    projection: typeof alertsProjection | typeof feedbackAlertsProjection,
    caller: Caller,
    unitId?: string,
  ): Promise<DeadlineAlert[]> {
    const generation = await this.store.activeGeneration(projection);
    if (generation === undefined) return [];
    const everything = caller.role === 'admin' || caller.role === 'reform-office';
    const sets =
      unitId !== undefined ? [`unit:${unitId}`] : everything ? ['all'] : caller.units.map((u) => `unit:${u}`);
    const codes = new Set<string>();
    for (const set of sets) {
      for (const code of await this.store.membersByScore(projection, generation, set, -Infinity, Infinity)) {
        codes.add(code);
      }
    }
    const docs = await this.store.documents<AlertsView>(projection, generation, [...codes]);
    return docs.flatMap((d) => d?.alerts ?? []).filter((a) => alertVisibleTo(caller, a, unitId));
  }

  lastId(): Promise<string> {
    return this.feed.lastId();
  }

  /** Entries after `after` as they are now (a stream client catching up). */
  range(after: string, count = 500): Promise<AlertFeedEntry[]> {
    return this.feed.range(after, count);
  }

  reader(): AlertFeedReader {
    return this.feed.reader();
  }
}
