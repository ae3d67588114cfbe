import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PUBLICATION_CHANGES, type PublicationChange } from '@tracker/domain';
import { IsCivilDate } from '../http/instant.validator';
import { ID_PATTERN } from './catalogue.request.dto';

export class PublicationIdParam {
  @Matches(ID_PATTERN, {
    message: 'id must be 1-64 letters, digits, dots or underscores, starting with a letter or digit',
  })
  id!: string;
}

export class PublicationItemDto {
  @Matches(ID_PATTERN, { message: 'procedureCode must be a procedure code' })
  procedureCode!: string;

  @IsIn(PUBLICATION_CHANGES)
  change!: PublicationChange;
}

export class DecidePublicationRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  decisionNo!: string;

  @IsCivilDate()
  decidedOn!: string;

  @IsCivilDate()
  basisEffectiveOn!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PublicationItemDto)
  items!: PublicationItemDto[];
}

export class MadePublicRequest {
  @Matches(ID_PATTERN, { message: 'procedureCode must be a procedure code' })
  procedureCode!: string;

  @IsCivilDate()
  madePublicOn!: string;
}

export class ListPublicationsQueryDto {
  @IsOptional()
  @IsCivilDate()
  from?: string;

  @IsOptional()
  @IsCivilDate()
  to?: string;
}
