import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  DecidePublication,
  Event,
  MakeProcedurePublic,
  PublicationChange,
  PublicationCommand,
  PublicationEvent,
  PublicationItemFacts,
  PublicationState,
  madePublicOnTimeAt,
  publicationDecider,
  publicationItemsOf,
  publicationStreamName,
  startOfDayMs,
  civilDateOfMs,
} from '@tracker/domain';
import { RequestContext, commandContextOf, commandOf } from '../access/caller';
import { handleCommand } from '../command-handling/handle-command';
import { CLOCK, Clock } from '../ports/clock.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { CalendarProvider } from './calendar.provider';

type Decided = Extract<PublicationState, { status: 'decided' }>;

/** A decision as GET /api/publications shows it: each item with its verdicts for 1.1 and 1.2 (at `now`). */
export type PublicationView = Readonly<{
  publicationId: string;
  decisionNo: string;
  decidedOn: string;
  basisEffectiveOn: string;
  items: readonly Readonly<{
    procedureCode: string;
    change: PublicationChange;
    madePublicOn: string | null;
    /** The last day to make it public (decidedOn + 5 working days). */
    madePublicBy: string;
    /** 1.1: decidedOn ≤ basisEffectiveOn − 5 working days. */
    decidedOnTime: boolean;
    /** 1.2 judged now: made public by its deadline, or not yet and the deadline not passed. */
    madePublicOnTime: boolean;
  }>[];
}>;

/** The streams of the publication decisions (ReferenceData feeds them to `apply`). */
export const PUBLICATION_STREAM_PREFIX = 'publication-';

/**
 * The publication decisions in memory (a province has hundreds a year), fed with the catalogue by
 * ReferenceData's subscription; each
 * decision's items with their deadlines over the working-day calendar, recomputed when the calendar
 * version a decision falls under changes.
 */
@Injectable()
export class PublicationsReader {
  private readonly states = new Map<string, PublicationState>();
  /** Per decision: its items for the state (by identity: every event makes a new one) and calendar. */
  private readonly items = new Map<
    string,
    { state: Decided; version: string; items: PublicationItemFacts[] }
  >();
  private changes = 0;
  constructor(private readonly calendars: CalendarProvider) {}

  /** Changes with every publication event applied. */
  get version(): number {
    return this.changes;
  }

  apply(streamName: string, event: Event): void {
    if (!streamName.startsWith(PUBLICATION_STREAM_PREFIX)) return;
    this.changes++;
    const id = streamName.slice(PUBLICATION_STREAM_PREFIX.length);
    const state = this.states.get(id) ?? publicationDecider.initialState();
    this.states.set(id, publicationDecider.evolve(state, event as PublicationEvent));
  }

  decisions(): Decided[] {
    return [...this.states.values()]
      .filter((s): s is Decided => s.status === 'decided')
      .sort(
        (a, b) => a.decidedOn.localeCompare(b.decidedOn) || a.publicationId.localeCompare(b.publicationId),
      );
  }

  /** Every decision's items with their deadlines (what the scorecard reads). */
  async allItems(): Promise<PublicationItemFacts[]> {
    const all: PublicationItemFacts[] = [];
    for (const d of this.decisions()) all.push(...(await this.itemsOf(d)));
    return all;
  }

  async itemsOf(d: Decided): Promise<PublicationItemFacts[]> {
    const { calendar, version } = await this.calendars.current(new Date(startOfDayMs(d.decidedOn)));
    const cached = this.items.get(d.publicationId);
    if (cached?.state === d && cached.version === version) return cached.items;
    const items = publicationItemsOf(d, calendar);
    this.items.set(d.publicationId, { state: d, version, items });
    return items;
  }
}

const dateOf = civilDateOfMs;

export type DecidePublicationInput = Readonly<{
  publicationId: string;
  decisionNo: string;
  decidedOn: string;
  basisEffectiveOn: string;
  items: readonly Readonly<{ procedureCode: string; change: PublicationChange }>[];
}>;

export class DecidePublicationCommand extends Command<PublicationView> {
  constructor(
    readonly input: DecidePublicationInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class MakeProcedurePublicCommand extends Command<PublicationView> {
  constructor(
    readonly input: Readonly<{ publicationId: string; procedureCode: string; madePublicOn: string }>,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class ListPublicationsQuery extends Query<PublicationView[]> {
  constructor(
    readonly from?: string,
    readonly to?: string,
  ) {
    super();
  }
}

@Injectable()
export class PublicationViews {
  constructor(
    private readonly reader: PublicationsReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async view(d: Decided): Promise<PublicationView> {
    const now = this.clock.now().getTime();
    const items = await this.reader.itemsOf(d);
    return {
      publicationId: d.publicationId,
      decisionNo: d.decisionNo,
      decidedOn: d.decidedOn,
      basisEffectiveOn: d.basisEffectiveOn,
      items: items.map((it) => ({
        procedureCode: it.procedureCode,
        change: it.change,
        madePublicOn: d.madePublic[it.procedureCode] ?? null,
        madePublicBy: dateOf(it.madePublicBy),
        decidedOnTime: it.decidedOnTime,
        madePublicOnTime: madePublicOnTimeAt(it, now),
      })),
    };
  }
}

/** What a write's caller gives: its command's data without the instant and the actor, which `run` adds. */
type PublicationInput<C extends PublicationCommand> = Omit<C['data'], 'now' | 'actor'> & {
  publicationId: string;
};

/** A publication write: its command from the input at the clock's instant by the caller, decided, viewed. */
@Injectable()
abstract class PublicationWrite {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reader: PublicationsReader,
    private readonly views: PublicationViews,
  ) {}

  protected async run<C extends PublicationCommand>(
    type: C['type'],
    input: PublicationInput<C>,
    context: RequestContext,
  ): Promise<PublicationView> {
    const stream = publicationStreamName(input.publicationId);
    const command = commandOf(type, input, this.clock.now(), context) as C;
    const result = await handleCommand(
      this.store,
      stream,
      publicationDecider,
      command,
      commandContextOf(context),
    );
    for (const e of result.newEvents) this.reader.apply(stream, e);
    if (result.state.status !== 'decided') throw new Error('a decided publication has no state');
    return this.views.view(result.state);
  }
}

@CommandHandler(DecidePublicationCommand)
export class DecidePublicationHandler
  extends PublicationWrite
  implements ICommandHandler<DecidePublicationCommand, PublicationView>
{
  execute({ input, context }: DecidePublicationCommand): Promise<PublicationView> {
    return this.run<DecidePublication>('DecidePublication', input, context);
  }
}

@CommandHandler(MakeProcedurePublicCommand)
export class MakeProcedurePublicHandler
  extends PublicationWrite
  implements ICommandHandler<MakeProcedurePublicCommand, PublicationView>
{
  execute({ input, context }: MakeProcedurePublicCommand): Promise<PublicationView> {
    return this.run<MakeProcedurePublic>('MakeProcedurePublic', input, context);
  }
}

@QueryHandler(ListPublicationsQuery)
export class ListPublicationsHandler implements IQueryHandler<ListPublicationsQuery, PublicationView[]> {
  constructor(
    private readonly reader: PublicationsReader,
    private readonly views: PublicationViews,
  ) {}

  async execute({ from, to }: ListPublicationsQuery): Promise<PublicationView[]> {
    const picked = this.reader
      .decisions()
      .filter((d) => (from === undefined || d.decidedOn >= from) && (to === undefined || d.decidedOn <= to));
    return Promise.all(picked.map((d) => this.views.view(d)));
  }
}
