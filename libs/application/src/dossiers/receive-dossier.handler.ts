import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertUnitAccess,
  DomainError,
  ReceiveDossier,
  dossierDecider,
  dossierStreamName,
  isDossier,
} from '@tracker/domain';
import { actorOf, commandContextOf } from '../access/caller';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { DossierCodeAllocator } from './dossier-code.allocator';
import { DossierStateCache } from './dossier-state.cache';
import { ReceiveDossierCommand, ReceiveDossierResult } from './receive-dossier.command';

@CommandHandler(ReceiveDossierCommand)
export class ReceiveDossierHandler implements ICommandHandler<ReceiveDossierCommand, ReceiveDossierResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
    private readonly codes: DossierCodeAllocator,
    private readonly states: DossierStateCache,
  ) {}

  async execute({ input, context }: ReceiveDossierCommand): Promise<ReceiveDossierResult> {
    await this.catalogue.knownUnit(input.unitId, 'unitId');
    assertUnitAccess(context.caller, 'write', input.unitId);
    const now = this.clock.now();
    const procedure = await this.catalogue.knownProcedureAt(input.procedureCode, input.receivedAt);
    if (!procedure.units.includes(input.unitId)) {
      throw new DomainError(
        'PROCEDURE_NOT_OFFERED',
        'rule',
        `unit ${input.unitId} does not handle procedure ${input.procedureCode}`,
        { field: 'procedureCode' },
      );
    }
    const { calendar, version } = await this.calendars.current(new Date(input.receivedAt));

    for (let attempt = 0; ; attempt++) {
      const code =
        input.code ??
        (await this.codes.next(input.unitId, input.receivedAt, context.idempotencyScope, attempt));
      const command: ReceiveDossier = {
        type: 'ReceiveDossier',
        data: {
          code,
          unitId: input.unitId,
          procedureCode: input.procedureCode,
          procedure: procedure.snapshot,
          channel: input.channel,
          ...(input.onlineLevel ? { onlineLevel: input.onlineLevel } : {}),
          receivedAt: input.receivedAt,
          ...(input.dueAt ? { dueAt: input.dueAt } : {}),
          feeAmount: input.feeAmount ?? 0,
          calendar,
          calendarVersion: version,
          ...(input.applicantName !== undefined ? { applicantName: input.applicantName } : {}),
          ...(input.applicantKind !== undefined ? { applicantKind: input.applicantKind } : {}),
          ...(input.summary !== undefined ? { summary: input.summary } : {}),
          ...(input.identifiedThrough !== undefined ? { identifiedThrough: input.identifiedThrough } : {}),
          occurredAt: input.receivedAt,
          now: now.toISOString(),
          actor: actorOf(context.caller),
        },
      };
      try {
        const result = await handleCommand(
          this.store,
          dossierStreamName(code),
          dossierDecider,
          command,
          commandContextOf(context),
          // A new dossier's stream does not exist yet: no need to read it to learn that.
          { cache: this.states, expectNew: true },
        );
        if (!isDossier(result.state)) throw new Error('a received dossier has no state');
        return {
          code,
          dueAt: result.state.dueAt,
          status: result.state.status,
          revision: Number(result.revision),
        };
      } catch (error) {
        // A generated code that a clerk had already typed in by hand: draw the next one.
        const taken = error instanceof DomainError && error.code === 'DOSSIER_ALREADY_RECEIVED';
        if (!taken || input.code || attempt >= 20) throw error;
      }
    }
  }
}
