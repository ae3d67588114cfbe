import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  DefineProcedure,
  SetCalendarOverrides,
  CalendarYearEvent,
  CalendarYearState,
  calendarYearDecider,
  calendarYearStreamName,
  procedureDecider,
  procedureStreamName,
  unitDecider,
  unitStreamName,
} from '@tracker/domain';
import { RequestContext, commandContextOf, commandOf } from '../access/caller';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { CatalogueReader, DefinedProcedure, UnitView, procedureListing } from './catalogue.reader';

export type DefineUnitInput = Readonly<{
  unitId: string;
  name: string;
  level: 'department' | 'district' | 'commune';
  parentId?: string;
  electronicCertifiedCopySince?: string | null;
}>;
/** The procedure's facts as the decider takes them, without the instant and the actor the handler adds. */
export type DefineProcedureInput = Readonly<Omit<DefineProcedure['data'], 'now' | 'actor'>>;
export type SetCalendarInput = Readonly<{ year: number; holidays: string[]; workingDays: string[] }>;

export class DefineUnitCommand extends Command<UnitView> {
  constructor(
    readonly input: DefineUnitInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
export class DefineProcedureCommand extends Command<DefinedProcedure> {
  constructor(
    readonly input: DefineProcedureInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
export class SetCalendarCommand extends Command<SetCalendarInput & { revision: number }> {
  constructor(
    readonly input: SetCalendarInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
export class ListUnitsQuery extends Query<UnitView[]> {}
export class ListProceduresQuery extends Query<DefinedProcedure[]> {}

@CommandHandler(DefineUnitCommand)
export class DefineUnitHandler implements ICommandHandler<DefineUnitCommand, UnitView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({ input, context }: DefineUnitCommand): Promise<UnitView> {
    // A parent must exist (define a district before its communes); a unit its own parent is the decider's.
    if (input.parentId !== undefined && input.parentId !== input.unitId) {
      await this.catalogue.knownUnit(input.parentId, 'parentId');
    }
    const stream = unitStreamName(input.unitId);
    const command = commandOf('DefineUnit', input, this.clock.now(), context);
    const result = await handleCommand(this.store, stream, unitDecider, command, commandContextOf(context));
    this.catalogue.applyState(stream, result.state, result.revision);
    return (await this.catalogue.unit(input.unitId))!;
  }
}

@CommandHandler(DefineProcedureCommand)
export class DefineProcedureHandler implements ICommandHandler<DefineProcedureCommand, DefinedProcedure> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({ input, context }: DefineProcedureCommand): Promise<DefinedProcedure> {
    // Every unit offering it must exist: a dossier could never be received at one that does not.
    for (const unitId of input.units) await this.catalogue.knownUnit(unitId, 'units');
    const stream = procedureStreamName(input.code);
    const command = commandOf('DefineProcedure', input, this.clock.now(), context);
    const result = await handleCommand(
      this.store,
      stream,
      procedureDecider,
      command,
      commandContextOf(context),
    );
    this.catalogue.applyState(stream, result.state, result.revision);
    if (result.state.status !== 'defined') throw new Error('a defined procedure has no state');
    return procedureListing(result.state);
  }
}

@CommandHandler(SetCalendarCommand)
export class SetCalendarHandler implements ICommandHandler<
  SetCalendarCommand,
  SetCalendarInput & { revision: number }
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({ input, context }: SetCalendarCommand) {
    const command: SetCalendarOverrides = commandOf('SetCalendarOverrides', input, this.clock.now(), context);
    const result = await handleCommand<CalendarYearState, SetCalendarOverrides, CalendarYearEvent>(
      this.store,
      calendarYearStreamName(input.year),
      calendarYearDecider,
      command,
      commandContextOf(context),
    );
    // This process receives dossiers under the new calendar at once, before its feed brings the event.
    const stream = calendarYearStreamName(input.year);
    result.newEvents.forEach((e, i) =>
      this.catalogue.apply(stream, e, result.revision - BigInt(result.newEvents.length - 1 - i)),
    );
    return {
      year: input.year,
      holidays: input.holidays,
      workingDays: input.workingDays,
      revision: Number(result.revision),
    };
  }
}

@QueryHandler(ListUnitsQuery)
export class ListUnitsHandler implements IQueryHandler<ListUnitsQuery, UnitView[]> {
  constructor(private readonly catalogue: CatalogueReader) {}
  async execute(): Promise<UnitView[]> {
    return this.catalogue.listUnits();
  }
}

@QueryHandler(ListProceduresQuery)
export class ListProceduresHandler implements IQueryHandler<ListProceduresQuery, DefinedProcedure[]> {
  constructor(private readonly catalogue: CatalogueReader) {}
  async execute(): Promise<DefinedProcedure[]> {
    return this.catalogue.listProcedures();
  }
}
