import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error';
import { rememberValidationRules } from './remembered-validation-rules';

export type FieldProblem = { field: string; problems: string[] };

/** Flattens nested class-validator errors into one entry per bad field, with dotted paths. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/** 400 naming each bad field; unknown fields are refused, not silently dropped. */
export const trackerValidationPipe = () => {
  rememberValidationRules();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = fieldProblems(errors);
      return new ApiError(
        400,
        'VALIDATION_FAILED',
        `invalid ${details.map((d) => d.field).join(', ')}`,
        details,
      );
    },
  });
};
