import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  assertDossierAccess,
  DossierEvent,
  dossierDecider,
  dossierStreamName,
  isDossier,
} from '@tracker/domain';
import type { Caller } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { explainDossier, type DossierExplanation } from './explain-dossier';

/** Why a dossier is (or was) late, read from its stream and judged by the score's rule. */
export class ExplainDossierQuery extends Query<DossierExplanation> {
  constructor(
    readonly code: string,
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(ExplainDossierQuery)
export class ExplainDossierHandler implements IQueryHandler<ExplainDossierQuery, DossierExplanation> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly calendars: CalendarProvider,
  ) {}

  async execute({ code, caller }: ExplainDossierQuery): Promise<DossierExplanation> {
    const { events } = await this.store.readStream<DossierEvent>(dossierStreamName(code));
    const state = events.reduce((s, r) => dossierDecider.evolve(s, r.event), dossierDecider.initialState());
    assertDossierAccess(caller, 'read', code, isDossier(state) ? state : null);
    if (!isDossier(state)) throw new Error('unreachable: access to no dossier was granted');
    // Judged against the calendar in force when the dossier was received.
    const calendar = await this.calendars.atVersion(state.calendarVersion);
    return explainDossier(state, calendar, this.clock.now().toISOString());
  }
}
