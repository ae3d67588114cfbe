import type { CalendarProvider } from '../catalogue/calendar.provider';
import type { CatalogueReader } from '../catalogue/catalogue.reader';
import { DossierCodeAllocator } from '../dossiers/dossier-code.allocator';
import { DossierStateCache } from '../dossiers/dossier-state.cache';
import { ReceiveDossierCommand, type ReceiveDossierResult } from '../dossiers/receive-dossier.command';
import { ReceiveDossierHandler } from '../dossiers/receive-dossier.handler';
import {
  RecordDossierStepCommand,
  type RecordDossierStepResult,
} from '../dossiers/record-dossier-step.command';
import { RecordDossierStepHandler } from '../dossiers/record-dossier-step.handler';
import {
  ReceiveFeedbackCommand,
  RecordFeedbackStepCommand,
  type ReceiveFeedbackResult,
  type RecordFeedbackStepResult,
} from '../feedback/feedback.commands';
import { ReceiveFeedbackHandler } from '../feedback/receive-feedback.handler';
import { RecordFeedbackStepHandler } from '../feedback/record-feedback-step.handler';
import type { Clock } from '../ports/clock.port';
import type { AppendResult, EventStore } from '../ports/event-store.port';
import { StagingEventStore } from './staging-event-store';

export type StagedCommandsDeps = Readonly<{
  clock: Clock;
  catalogue: CatalogueReader;
  calendars: CalendarProvider;
  /** As the API's handlers have it: with the national portal configured, clerks do not record `synced`. */
  portalSync?: boolean;
}>;

/**
 * A batch of dossier and feedback commands decided by the API's own handlers (the same access checks,
 * catalogue look-ups and deciders, command by command, each on the state the ones before it left) over a
 * StagingEventStore, then written with one append per stream. Only for streams the batch creates: a
 * dossier's or a feedback item's whole life at once (the demo province), a fraction of the appends and
 * round trips of one command at a time.
 */
export class StagedCommands {
  private readonly staging = new StagingEventStore();
  private readonly receiveDossier: ReceiveDossierHandler;
  private readonly recordDossierStep: RecordDossierStepHandler;
  private readonly receiveFeedback: ReceiveFeedbackHandler;
  private readonly recordFeedbackStep: RecordFeedbackStepHandler;

  constructor({ clock, catalogue, calendars, portalSync = false }: StagedCommandsDeps) {
    const states = new DossierStateCache();
    this.receiveDossier = new ReceiveDossierHandler(
      this.staging,
      clock,
      catalogue,
      calendars,
      new DossierCodeAllocator(this.staging),
      states,
    );
    this.recordDossierStep = new RecordDossierStepHandler(
      this.staging,
      clock,
      catalogue,
      calendars,
      states,
      portalSync,
    );
    this.receiveFeedback = new ReceiveFeedbackHandler(this.staging, clock, catalogue, calendars);
    this.recordFeedbackStep = new RecordFeedbackStepHandler(this.staging, clock, catalogue, calendars);
  }

  execute(command: ReceiveDossierCommand): Promise<ReceiveDossierResult>;
  execute(command: RecordDossierStepCommand): Promise<RecordDossierStepResult>;
  execute(command: ReceiveFeedbackCommand): Promise<ReceiveFeedbackResult>;
  execute(command: RecordFeedbackStepCommand): Promise<RecordFeedbackStepResult>;
  execute(
    command:
      ReceiveDossierCommand | RecordDossierStepCommand | ReceiveFeedbackCommand | RecordFeedbackStepCommand,
  ): Promise<unknown> {
    if (command instanceof ReceiveDossierCommand) return this.receiveDossier.execute(command);
    if (command instanceof RecordDossierStepCommand) return this.recordDossierStep.execute(command);
    if (command instanceof ReceiveFeedbackCommand) return this.receiveFeedback.execute(command);
    return this.recordFeedbackStep.execute(command);
  }

  /** Streams decided so far and their events. */
  get streams(): readonly string[] {
    return this.staging.streamNames;
  }

  get events(): number {
    return this.staging.size;
  }

  /** One append per stream, expecting it not to exist: each stream's result or error. */
  commitTo(store: EventStore): Promise<Map<string, AppendResult | Error>> {
    return this.staging.commitTo(store);
  }
}
