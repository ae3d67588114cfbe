import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertUnitAccess,
  feedbackDecider,
  feedbackStreamName,
  isFeedback,
  type ReceiveFeedback,
} from '@tracker/domain';
import { createHash, randomUUID } from 'node:crypto';
import { actorOf, commandContextOf } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { ReceiveFeedbackCommand, ReceiveFeedbackResult } from './feedback.commands';

/** Receives a feedback item (PAKN) for a unit the clerk serves; its deadlines over the calendar in force. */
@CommandHandler(ReceiveFeedbackCommand)
export class ReceiveFeedbackHandler implements ICommandHandler<
  ReceiveFeedbackCommand,
  ReceiveFeedbackResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
  ) {}

  async execute({ input, context }: ReceiveFeedbackCommand): Promise<ReceiveFeedbackResult> {
    await this.catalogue.knownUnit(input.unitId, 'unitId');
    assertUnitAccess(context.caller, 'write', input.unitId);
    if (input.procedureCode !== undefined) {
      await this.catalogue.knownProcedureAt(input.procedureCode, input.receivedAt);
    }
    const { calendar, version } = await this.calendars.current(new Date(input.receivedAt));
    // Without an id the retry of the same request must name the same item: derive it from the key's scope.
    const id = input.id ?? (context.idempotencyScope ? idFromScope(context.idempotencyScope) : randomUUID());
    const command: ReceiveFeedback = {
      type: 'ReceiveFeedback',
      data: {
        id,
        unitId: input.unitId,
        receivedAt: input.receivedAt,
        channel: input.channel,
        about: input.about,
        ...(input.procedureCode !== undefined ? { procedureCode: input.procedureCode } : {}),
        ...(input.dossierCode !== undefined ? { dossierCode: input.dossierCode } : {}),
        summary: input.summary,
        calendar,
        calendarVersion: version,
        occurredAt: input.receivedAt,
        now: this.clock.now().toISOString(),
        actor: actorOf(context.caller),
      },
    };
    const result = await handleCommand(
      this.store,
      feedbackStreamName(id),
      feedbackDecider,
      command,
      commandContextOf(context),
    );
    if (!isFeedback(result.state)) throw new Error('a received feedback item has no state');
    return {
      id,
      deadlines: result.state.deadlines,
      status: result.state.status,
      revision: Number(result.revision),
    };
  }
}

/** A stable id from the Idempotency-Key's scope (caller + key): a retry after a lost answer names the same
 * item, so the decider sees the receipt already recorded and appends nothing. */
const idFromScope = (scope: string): string =>
  `fb-${createHash('sha256').update(scope).digest('base64url').slice(0, 22)}`;
