import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertDossierAccess,
  assertStepAllowed,
  CommandMeta,
  Dossier,
  DossierCommand,
  DomainError,
  dossierDecider,
  dossierStep,
  dossierStreamName,
  isDossier,
} from '@tracker/domain';
import { actorOf, commandContextOf } from '../access/caller';
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
import { PORTAL_SYNC_ENABLED } from '../portal-sync/portal-sync.ports';

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
    @Optional() @Inject(PORTAL_SYNC_ENABLED) private readonly portalSync: boolean = false,
  ) {}

  async execute({ code, step, context }: RecordDossierStepCommand): Promise<RecordDossierStepResult> {
    const { caller } = context;
    // Who may record this type is known before the dossier is read; the decider asks the same rule.
    assertStepAllowed(caller, step.type);
    await this.catalogue.assertStepUnits(dossierStep(step.type).fields, step);
    const now = this.clock.now().toISOString();
    const result = await handleCommand(
      this.store,
      dossierStreamName(code),
      dossierDecider,
      async (state) => {
        assertDossierAccess(caller, 'write', code, isDossier(state) ? state : null);
        if (!isDossier(state)) throw new Error('unreachable: access to no dossier was granted');
        if (step.type === 'synced' && this.portalSync) {
          throw new DomainError(
            'SYNCED_BY_PORTAL',
            'rule',
            'the national portal is configured: the system pushes each dossier and records its sync itself',
          );
        }
        const meta: CommandMeta = { occurredAt: step.occurredAt, now, actor: actorOf(caller) };
        return this.toDomain(step, meta, state);
      },
      commandContextOf(context),
      { cache: this.states },
    );
    if (!isDossier(result.state)) throw new Error('a dossier with steps has no state');
    return { status: result.state.status, revision: Number(result.revision) };
  }

  /** The step's module maps the input to its command; the handler fetches what the module says it needs. */
  private async toDomain(step: DossierStepInput, meta: CommandMeta, state: Dossier): Promise<DossierCommand> {
    const module = dossierStep(step.type);
    // Judged against the calendar in force when the dossier was received.
    const calendar = module.needs.includes('calendar')
      ? await this.calendars.atVersion(state.calendarVersion)
      : undefined;
    return module.toCommand(step, meta, calendar ? { calendar } : {});
  }
}
