import { Inject, Injectable } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  assertMayReadScores,
  DomainError,
  QD766_V1,
  Scorecard,
  ScorecardProcedureInput,
  UnitLevel,
  UnitScore,
  computeScorecard,
} from '@tracker/domain';
import type { Caller } from '../access/caller';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CLOCK, Clock } from '../ports/clock.port';
import { DossierFactsCache } from './dossier-facts.cache';

export class GetScorecardQuery extends Query<Scorecard> {
  constructor(
    readonly period: string,
    readonly caller: Caller,
    readonly level?: UnitLevel,
    readonly asOf?: string,
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
  ) {
    super();
  }
}

/** The method's inputs: the facts (current to the projection), the catalogue, and "now" when no asOf. */
@Injectable()
export class ScorecardCalculator {
  constructor(
    private readonly facts: DossierFactsCache,
    private readonly catalogue: CatalogueReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async compute(
    period: string,
    options: { level?: UnitLevel; asOf?: string; explain?: boolean; onlyUnitIds?: string[] },
  ): Promise<Scorecard> {
    const procedures: ScorecardProcedureInput[] = this.catalogue
      .listProcedures()
      .map((p) => ({ code: p.code, versions: p.versions }));
    return computeScorecard({
      method: QD766_V1,
      period,
      asOf: options.asOf ?? this.clock.now().toISOString(),
      units: this.catalogue.listUnits(),
      procedures,
      facts: await this.facts.current(),
      ...(options.level ? { level: options.level } : {}),
      ...(options.explain ? { explain: true } : {}),
      ...(options.onlyUnitIds ? { onlyUnitIds: options.onlyUnitIds } : {}),
    });
  }
}

@QueryHandler(GetScorecardQuery)
export class GetScorecardHandler implements IQueryHandler<GetScorecardQuery, Scorecard> {
  constructor(private readonly calculator: ScorecardCalculator) {}

  async execute({ period, caller, level, asOf }: GetScorecardQuery): Promise<Scorecard> {
    assertMayReadScores(caller);
    return this.calculator.compute(period, { level, asOf });
  }
}

@QueryHandler(GetUnitScorecardQuery)
export class GetUnitScorecardHandler implements IQueryHandler<GetUnitScorecardQuery, UnitScorecard> {
  constructor(
    private readonly calculator: ScorecardCalculator,
    private readonly catalogue: CatalogueReader,
  ) {}

  async execute({ unitId, period, caller, asOf, explain }: GetUnitScorecardQuery): Promise<UnitScorecard> {
    assertMayReadScores(caller);
    const unit = this.catalogue.listUnits().find((u) => u.unitId === unitId);
    if (!unit) throw new DomainError('UNIT_NOT_FOUND', 'not-found', `no unit ${unitId}`);
    const card = await this.calculator.compute(period, {
      level: unit.level,
      asOf,
      explain,
      onlyUnitIds: [unitId],
    });
    const row = card.units.find((u) => u.unitId === unitId)!;
    return { period: card.period, method: card.method, asOf: card.asOf, ...row };
  }
}
