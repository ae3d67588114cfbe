import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { decodeCursor } from '@tracker/application';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { IsInstant } from './instant.validator';

const IsCursor = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCursor',
      validator: { validate: (v) => typeof v === 'string' && decodeCursor(v) !== undefined },
    },
    { message: '$property must be a nextCursor returned by this endpoint', ...options },
  );

/** The query string of a scoped list (`GET /api/dossiers`, `GET /api/feedback`) over its `statuses`. */
export function listRequestOf<S extends string>(statuses: readonly S[]) {
  class ListRequest {
    @IsOptional()
    @Matches(ID_PATTERN, { message: '$property must be a unit id' })
    unitId?: string;

    @IsOptional()
    @IsIn(statuses)
    status?: S;

    @IsOptional()
    @IsIn(['overdue', 'due-soon'])
    due?: 'overdue' | 'due-soon';

    @IsOptional()
    @IsInstant()
    receivedFrom?: string;

    @IsOptional()
    @IsInstant()
    receivedTo?: string;

    @IsOptional()
    @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
    @IsInt({ message: 'limit must be a whole number from 1 to 500' })
    @Min(1)
    @Max(500)
    limit?: number;

    @IsOptional()
    @IsCursor()
    cursor?: string;
  }
  return ListRequest;
}
