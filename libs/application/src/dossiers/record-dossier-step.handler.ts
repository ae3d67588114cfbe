import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  CommandMeta,
  Dossier,
  DossierCommand,
  DomainError,
  dossierDecider,
  dossierStreamName,
  isDossier,
} from '@tracker/domain';
import { actorOf, assertCanWrite, commandContextOf } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import {
  DossierStepInput,
  RecordDossierStepCommand,
  RecordDossierStepResult,
} from './record-dossier-step.command';
import { DossierStateCache } from './dossier-state.cache';

@CommandHandler(RecordDossierStepCommand)
export class RecordDossierStepHandler implements ICommandHandler<
  RecordDossierStepCommand,
  RecordDossierStepResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
    private readonly states: DossierStateCache,
  ) {}

  async execute({ code, step, context }: RecordDossierStepCommand): Promise<RecordDossierStepResult> {
    const { caller } = context;
    if (step.type === 'apology-issued' && caller.role !== 'supervisor' && caller.role !== 'admin') {
      throw new DomainError(
        'SUPERVISOR_ONLY',
        'forbidden',
        'an apology is signed by the head of the unit (supervisor)',
      );
    }
    if (step.type === 'transferred' && !(await this.catalogue.unit(step.toUnitId!))) {
      throw new DomainError('UNIT_NOT_FOUND', 'rule', `no unit ${step.toUnitId}`, { field: 'toUnitId' });
    }
    const now = this.clock.now().toISOString();
    const result = await handleCommand(
      this.store,
      dossierStreamName(code),
      dossierDecider,
      async (state) => {
        if (!isDossier(state)) throw new DomainError('DOSSIER_NOT_FOUND', 'not-found', `no dossier ${code}`);
        assertCanWrite(caller, [state.unitId, state.currentUnitId]);
        const meta: CommandMeta = { occurredAt: step.occurredAt, now, actor: actorOf(caller) };
        return this.toDomain(step, meta, state);
      },
      commandContextOf(context),
      { cache: this.states },
    );
    if (!isDossier(result.state)) throw new Error('a dossier with steps has no state');
    return { status: result.state.status, revision: Number(result.revision) };
  }

  private async toDomain(step: DossierStepInput, meta: CommandMeta, state: Dossier): Promise<DossierCommand> {
    switch (step.type) {
      case 'transferred':
        return {
          type: 'TransferDossier',
          data: { ...meta, toUnitId: step.toUnitId!, ...opt('reason', step.reason) },
        };
      case 'supplement-requested':
        return { type: 'RequestSupplement', data: { ...meta, reason: step.reason! } };
      case 'supplement-received':
        return { type: 'ReceiveSupplement', data: meta };
      case 'processed':
        return { type: 'RecordProcessing', data: { ...meta, outcome: step.outcome! } };
      case 'result-returned':
        return { type: 'ReturnResult', data: meta };
      case 'stopped':
        return { type: 'StopDossier', data: { ...meta, reason: step.reason! } };
      case 'withdrawn':
        return { type: 'WithdrawDossier', data: { ...meta, ...opt('reason', step.reason) } };
      case 'apology-issued':
        return {
          type: 'IssueApology',
          data: {
            ...meta,
            reason: step.reason!,
            newDueAt: step.newDueAt!,
            signedBy: step.signedBy!,
            // Judged against the calendar in force when the dossier was received.
            calendar: await this.calendars.atVersion(state.calendarVersion),
          },
        };
      case 'input-digitized':
        return {
          type: 'RecordInputDigitized',
          data: {
            ...meta,
            ...opt('reused', step.reused),
            ...opt('fromPersonalStore', step.fromPersonalStore),
            ...opt('documents', step.documents),
          },
        };
      case 'result-issued-electronically':
        return { type: 'RecordElectronicResult', data: meta };
      case 'payment-requested':
        return { type: 'RequestPayment', data: { ...meta, amount: step.amount! } };
      case 'paid-online':
        return {
          type: 'RecordOnlinePayment',
          data: { ...meta, amount: step.amount!, gateway: step.gateway! },
        };
      case 'paid-offline':
        return { type: 'RecordOfflinePayment', data: { ...meta, amount: step.amount! } };
      case 'satisfaction-rated':
        return { type: 'RecordSatisfaction', data: { ...meta, satisfied: step.satisfied! } };
      case 'synced':
        return { type: 'RecordSync', data: meta };
      case 'correction-recorded':
        return {
          type: 'RecordCorrection',
          data: {
            ...meta,
            field: step.field!,
            value: step.value,
            reason: step.reason!,
            approvedBy: step.approvedBy!,
          },
        };
      default: {
        const never: never = step.type;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  }
}

const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
