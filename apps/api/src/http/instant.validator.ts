import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** A calendar day (PRODUCT.md's `date`): `YYYY-MM-DD`, in Asia/Ho_Chi_Minh. */
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with an explicit offset: a local time without one would be ambiguous. */
export const IsInstant = (each = false) =>
  applyDecorators(
    Matches(INSTANT, {
      each,
      message: '$property must be an ISO-8601 date-time with an offset, e.g. 2025-03-04T09:15:00+07:00',
    }),
    IsISO8601({ strict: true }, { each, message: '$property must be a real date and time' }),
  );

/** A calendar day `YYYY-MM-DD` that exists (2024-02-30 does not). */
export const IsCivilDate = (each = false) =>
  applyDecorators(
    Matches(DATE, { each, message: `${each ? 'each of ' : ''}$property must be a date YYYY-MM-DD` }),
    IsISO8601({ strict: true }, { each, message: `${each ? 'each of ' : ''}$property must be a real date` }),
  );
