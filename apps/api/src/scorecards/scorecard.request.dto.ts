import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { SCORING_METHODS } from '@tracker/domain';
import { IsInstant } from '../http/instant.validator';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';

const PERIOD = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
const PERIOD_MESSAGE = 'period must be a year (2024), a quarter (2024-Q2) or a month (2024-05)';

export class ScorecardQuery {
  @Matches(PERIOD, { message: PERIOD_MESSAGE })
  period!: string;

  @IsOptional()
  @IsIn(['department', 'district', 'commune'])
  level?: 'department' | 'district' | 'commune';

  @IsOptional()
  @IsInstant()
  asOf?: string;

  @IsOptional()
  @IsIn(SCORING_METHODS.map((m) => m.id))
  method?: string;
}

export class UnitScorecardParams {
  @Matches(ID_PATTERN, { message: 'unitId must be a unit id' })
  unitId!: string;
}

export class UnitScorecardQuery {
  @Matches(PERIOD, { message: PERIOD_MESSAGE })
  period!: string;

  @IsOptional()
  @IsInstant()
  asOf?: string;

  @IsOptional()
  @IsIn(SCORING_METHODS.map((m) => m.id))
  method?: string;

  /** With the dossiers behind each numerator (and the ones that cost points). */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'dossiers must be true or false' })
  dossiers?: boolean;
}

export class ScorecardExportQuery extends ScorecardQuery {
  @IsIn(['csv', 'xlsx'])
  format!: 'csv' | 'xlsx';
}
