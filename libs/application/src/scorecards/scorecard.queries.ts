import { Inject, Injectable } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  assertMayReadScores,
  DomainError,
  DEFAULT_SCORING_METHOD,
  PublicationItemFacts,
  Scorecard,
  ScorecardProcedureInput,
  ScorecardUnitInput,
  UnitLevel,
  UnitScore,
  computeScorecard,
  scoringMethodOf,
} from '@tracker/domain';
import type { Caller } from '../access/caller';
import { CalendarProvider } from '../catalogue/calendar.provider';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CLOCK, Clock } from '../ports/clock.port';
import { PublicationsReader } from '../catalogue/publications';
import { DossierFactsCache } from './dossier-facts.cache';
import { FeedbackFactsCache } from './feedback-facts.cache';

export class GetScorecardQuery extends Query<Scorecard> {
  constructor(
    readonly period: string,
    readonly caller: Caller,
    readonly level?: UnitLevel,
    readonly asOf?: string,
    readonly method?: string,
  ) {
    super();
  }
}

export type UnitScorecard = UnitScore & Pick<Scorecard, 'period' | 'method' | 'asOf'>;

export class GetUnitScorecardQuery extends Query<UnitScorecard> {
  constructor(
    readonly unitId: string,
    readonly period: string,
    readonly caller: Caller,
    readonly asOf?: string,
    readonly explain = false,
    readonly method?: string,
  ) {
    super();
  }
}

/** What a scorecard reads from the reference data, and the versions it was read at. */
type Reference = Readonly<{
  key: string;
  units: ScorecardUnitInput[];
  procedures: ScorecardProcedureInput[];
  publications: PublicationItemFacts[];
}>;

/** The method's inputs: the facts (current to the projection), the catalogue, and "now" when no asOf. */
@Injectable()
export class ScorecardCalculator {
  /** The reference inputs as last read: kept while the catalogue, the publication decisions and the
   * calendar (live) are at the same versions, so a scorecard does not list and sort them again. */
  private reference?: Reference;

  constructor(
    private readonly facts: DossierFactsCache,
    private readonly catalogue: CatalogueReader,
    private readonly publications: PublicationsReader,
    private readonly feedback: FeedbackFactsCache,
    private readonly calendars: CalendarProvider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async compute(
    period: string,
    options: {
      level?: UnitLevel;
      asOf?: string;
      explain?: boolean;
      onlyUnitIds?: string[];
      method?: string;
    },
  ): Promise<Scorecard> {
    const method = options.method === undefined ? DEFAULT_SCORING_METHOD : scoringMethodOf(options.method);
    if (!method) throw new DomainError('UNKNOWN_METHOD', 'rule', `no scoring method ${options.method}`);
    const { units, procedures, publications } = await this.referenceInputs();
    return computeScorecard({
      method,
      period,
      publications,
      feedback: await this.feedback.current(),
      asOf: options.asOf ?? this.clock.now().toISOString(),
      units,
      procedures,
      facts: await this.facts.current(),
      ...(options.level ? { level: options.level } : {}),
      ...(options.explain ? { explain: true } : {}),
      ...(options.onlyUnitIds ? { onlyUnitIds: options.onlyUnitIds } : {}),
    });
  }

  private async referenceInputs(): Promise<Reference> {
    const key = this.referenceKey();
    if (this.reference?.key === key) return this.reference;
    const reference: Reference = {
      key,
      units: this.catalogue.listUnits(),
      procedures: this.catalogue.listProcedures().map((p) => ({ code: p.code, versions: p.versions })),
      publications: await this.publications.allItems(),
    };
    // Kept only when nothing changed while the items were read, and once the calendar is live (before,
    // its versions are read from the streams: nothing to key a copy on).
    if (this.calendars.version !== undefined && key === this.referenceKey()) this.reference = reference;
    return reference;
  }

  private referenceKey(): string {
    return `${this.catalogue.version}:${this.publications.version}:${this.calendars.version}`;
  }
}

@QueryHandler(GetScorecardQuery)
export class GetScorecardHandler implements IQueryHandler<GetScorecardQuery, Scorecard> {
  constructor(private readonly calculator: ScorecardCalculator) {}

  async execute({ period, caller, level, asOf, method }: GetScorecardQuery): Promise<Scorecard> {
    assertMayReadScores(caller);
    return this.calculator.compute(period, { level, asOf, method });
  }
}

@QueryHandler(GetUnitScorecardQuery)
export class GetUnitScorecardHandler implements IQueryHandler<GetUnitScorecardQuery, UnitScorecard> {
  constructor(
    private readonly calculator: ScorecardCalculator,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({
    unitId,
    period,
    caller,
    asOf,
    explain,
    method,
  }: GetUnitScorecardQuery): Promise<UnitScorecard> {
    assertMayReadScores(caller);
    const unit = await this.catalogue.knownUnit(unitId);
    const card = await this.calculator.compute(period, {
      level: unit.level,
      asOf,
      explain,
      onlyUnitIds: [unitId],
      method,
    });
    const row = card.units.find((u) => u.unitId === unitId)!;
    return { period: card.period, method: card.method, asOf: card.asOf, ...row };
  }
}
