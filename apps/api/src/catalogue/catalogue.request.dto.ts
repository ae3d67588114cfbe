import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PUBLIC_COMPONENTS, type PublicComponent } from '@tracker/domain';
import { IsCivilDate } from '../http/instant.validator';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._]{0,63}$/;
const ID_MESSAGE =
  '$property must be 1-64 letters, digits, dots or underscores, starting with a letter or digit';

export class UnitIdParam {
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  unitId!: string;
}

export class DefineUnitRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsIn(['department', 'district', 'commune'])
  level!: 'department' | 'district' | 'commune';

  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  parentId?: string;

  /** A commune offering electronic certified copies from originals from this day (6.5a); null: none. */
  @IsOptional()
  @IsCivilDate()
  electronicCertifiedCopySince?: string | null;
}

export class TimeLimitDto {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  value!: number;

  @IsIn(['working-days', 'days', 'working-hours'])
  unit!: 'working-days' | 'days' | 'working-hours';
}

export class ProcedureCodeParam {
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  code!: string;
}

export class DefineProcedureRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  name!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(ID_PATTERN, { each: true, message: 'each of units must be a unit id' })
  units!: string[];

  @ValidateNested()
  @Type(() => TimeLimitDto)
  timeLimit!: TimeLimitDto;

  @IsIn(['none', 'partial', 'full'])
  onlineLevel!: 'none' | 'partial' | 'full';

  @IsBoolean()
  feeRequired!: boolean;

  @IsBoolean()
  requiresWrittenResult!: boolean;

  /** Mã TTHC on the national database, field (lĩnh vực) code and name: what the portal push sends. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  nationalCode?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  fieldCode?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  fieldName?: string;

  /** Done by citizens (6.5c); default true. */
  @IsOptional()
  @IsBoolean()
  forCitizens?: boolean;

  /** The components of the seven (NĐ 63/2010 Art. 8(2)) recorded as public (1.3). */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PUBLIC_COMPONENTS, {
    each: true,
    message: `each of publicComponents must be one of ${PUBLIC_COMPONENTS.join(', ')}`,
  })
  publicComponents?: PublicComponent[];

  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveFrom?: string;
}

export class CalendarYearParam {
  @Matches(/^(19[7-9]\d|2[01]\d\d)$/, { message: 'year must be a four-digit year between 1970 and 2199' })
  year!: string;
}

export class SetCalendarRequest {
  @IsArray()
  @ArrayMaxSize(366)
  @ArrayUnique()
  @IsCivilDate(true)
  holidays!: string[];

  @IsArray()
  @ArrayMaxSize(366)
  @ArrayUnique()
  @IsCivilDate(true)
  workingDays!: string[];
}
