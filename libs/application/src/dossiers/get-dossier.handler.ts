import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  assertDossierAccess,
  DossierEvent,
  dossierDecider,
  dossierStreamName,
  isDossier,
} from '@tracker/domain';
import { historyOf } from '../command-handling/stream-history';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { DossierView, GetDossierQuery } from './get-dossier.query';

/** A dossier's state and full history, read from its stream (the source of truth, never a read model). */
@QueryHandler(GetDossierQuery)
export class GetDossierHandler implements IQueryHandler<GetDossierQuery, DossierView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ code, caller }: GetDossierQuery): Promise<DossierView> {
    const { events } = await this.store.readStream<DossierEvent>(dossierStreamName(code));
    const state = events.reduce((s, r) => dossierDecider.evolve(s, r.event), dossierDecider.initialState());
    assertDossierAccess(caller, 'read', code, isDossier(state) ? state : null);
    if (!isDossier(state)) throw new Error('unreachable: access to no dossier was granted');
    return {
      code: state.code,
      unitId: state.unitId,
      currentUnitId: state.currentUnitId,
      procedureCode: state.procedureCode,
      procedure: state.procedure,
      channel: state.channel,
      onlineLevel: state.onlineLevel,
      status: state.status,
      receivedAt: state.receivedAt,
      dueAt: state.dueAt,
      rescheduledDueAt: state.rescheduledDueAt,
      effectiveDueAt: state.effectiveDueAt,
      overdue: state.overdue,
      overdueAt: state.overdueAt,
      finishedAt: state.finishedAt,
      finishedBy: state.finishedBy,
      outcome: state.outcome,
      onTime: state.onTime,
      supplement: {
        requests: state.supplementRequests,
        open: state.openSupplement,
        totalMs: state.supplementMs,
        rounds: state.supplements,
      },
      apology: state.apology,
      fee: {
        hasFee: state.hasFee,
        feeAmount: state.feeAmount,
        paymentRequestedAmount: state.paymentRequestedAmount,
        paidOnline: state.paidOnline,
        paidOffline: state.paidOffline,
        payments: state.payments,
      },
      digitization: {
        inputDigitized: state.inputDigitized,
        reusedData: state.reusedData,
        fromPersonalStore: state.fromPersonalStore,
        resultIssuedElectronically: state.resultIssuedElectronically,
      },
      rating: state.rating,
      synced: state.synced,
      corrections: state.corrections,
      calendarVersion: state.calendarVersion,
      revision: events.length - 1,
      history: historyOf(events),
    };
  }
}
