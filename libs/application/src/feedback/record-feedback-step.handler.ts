import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertFeedbackAccess,
  feedbackDecider,
  feedbackStep,
  feedbackStreamName,
  isFeedback,
  type FeedbackCommandMeta,
} from '@tracker/domain';
import { actorOf, commandContextOf } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { RecordFeedbackStepCommand, RecordFeedbackStepResult } from './feedback.commands';

/** Records the next step of a feedback item, by a clerk of the unit holding it. */
@CommandHandler(RecordFeedbackStepCommand)
export class RecordFeedbackStepHandler implements ICommandHandler<
  RecordFeedbackStepCommand,
  RecordFeedbackStepResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
  ) {}

  async execute({ id, step, context }: RecordFeedbackStepCommand): Promise<RecordFeedbackStepResult> {
    const { caller } = context;
    const module = feedbackStep(step.type);
    await this.catalogue.assertStepUnits(module.fields, step);
    // Deadlines a step computes (forwarding, the answer's publication) use the calendar in force then.
    const calendar = module.needsCalendar
      ? (await this.calendars.current(new Date(step.occurredAt))).calendar
      : undefined;
    const now = this.clock.now().toISOString();
    const result = await handleCommand(
      this.store,
      feedbackStreamName(id),
      feedbackDecider,
      (state) => {
        assertFeedbackAccess(caller, 'write', id, isFeedback(state) ? unitsOf(state) : null);
        const meta: FeedbackCommandMeta = { occurredAt: step.occurredAt, now, actor: actorOf(caller) };
        return module.toCommand(step, meta, calendar ? { calendar } : {}) as never;
      },
      commandContextOf(context),
    );
    if (!isFeedback(result.state)) throw new Error('a feedback item with steps has no state');
    return { status: result.state.status, revision: Number(result.revision) };
  }
}

export const unitsOf = (state: { holdings: readonly { unitId: string }[]; currentUnitId: string }) => ({
  heldBy: state.holdings.map((h) => h.unitId),
  currentUnitId: state.currentUnitId,
});
