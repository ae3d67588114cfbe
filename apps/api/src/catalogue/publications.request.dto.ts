import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PUBLICATION_CHANGES, type PublicationChange } from '@tracker/domain';
import { DATE, ID_PATTERN } from './catalogue.request.dto';

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

  @Matches(DATE, { message: 'decidedOn must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'decidedOn must be a real date' })
  decidedOn!: string;

  @Matches(DATE, { message: 'basisEffectiveOn must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'basisEffectiveOn must be a real date' })
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

  @Matches(DATE, { message: 'madePublicOn must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'madePublicOn must be a real date' })
  madePublicOn!: string;
}

export class ListPublicationsQueryDto {
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}
