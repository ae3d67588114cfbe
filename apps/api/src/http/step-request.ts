// One flat step body for every aggregate with step modules (dossiers, feedback): each type's fields are
// required for that type, accepted where declared optional, refused for the others. The class-validator
// rules are built here from the modules' field specs, once for both.
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import type { FieldSpecs, FieldSpec } from '@tracker/domain';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { ApiError } from './api-error';
import { IsBoundedJson } from './bounded-json.validator';
import { IsInstant } from './instant.validator';

type StepBody = { type: string; [field: string]: unknown };
type StepModule = Readonly<{ type: string; fields: FieldSpecs }>;

/** class-validator's rules for one field spec, in the order they report. */
export function rulesOf(name: string, spec: FieldSpec, requiredIn: readonly string[]): PropertyDecorator[] {
  switch (spec.kind) {
    case 'text':
      return [IsString(), IsNotEmpty(), MaxLength(spec.maxLength)];
    case 'unit-id':
      return [Matches(ID_PATTERN, { message: `${name} must be a unit id` })];
    case 'enum':
      return [IsIn([...spec.values])];
    case 'instant':
      return [IsInstant()];
    case 'boolean':
      return [IsBoolean()];
    case 'amount':
      return [IsInt(), Min(spec.min), Max(spec.max)];
    case 'text-list':
      return [
        IsArray(),
        ArrayMaxSize(spec.maxItems),
        IsString({ each: true }),
        MaxLength(spec.maxLength, { each: true }),
      ];
    case 'json':
      return [
        IsNotEmpty({ message: `${name} is required for ${requiredIn.join(', ')}` }),
        IsBoundedJson({ maxBytes: spec.maxBytes, maxDepth: spec.maxDepth }),
      ];
  }
}

/**
 * Registers on `target` (a step request class) each field of `steps` once, with the types that require it
 * and those that merely accept it. One field name means one rule: two steps declaring it differently is a
 * mistake in the step modules.
 */
export function declareStepFields(target: { prototype: object }, steps: readonly StepModule[]): void {
  const table = new Map<string, { spec: FieldSpec; required: string[]; optional: string[] }>();
  for (const step of steps) {
    for (const [name, spec] of Object.entries(step.fields)) {
      const row = table.get(name) ?? { spec, required: [], optional: [] };
      if (JSON.stringify({ ...row.spec, required: 0 }) !== JSON.stringify({ ...spec, required: 0 })) {
        throw new Error(`step field ${name} is declared with two different rules (${step.type})`);
      }
      (spec.required ? row.required : row.optional).push(step.type);
      table.set(name, row);
    }
  }
  for (const [name, { spec, required, optional }] of table) {
    const applies = ValidateIf(
      (o: StepBody) => required.includes(o.type) || (optional.includes(o.type) && o[name] !== undefined),
    );
    // Decorators apply bottom-up: register them as written above a property would.
    for (const rule of [applies, ...rulesOf(name, spec, required)].reverse()) rule(target.prototype, name);
  }
}

/** The body's fields that its type does not accept (beyond type and occurredAt). */
export const foreignStepFields = (body: StepBody, fields: FieldSpecs): string[] =>
  Object.keys(body).filter(
    (k) => k !== 'type' && k !== 'occurredAt' && !(k in fields) && body[k] !== undefined,
  );

/** A 400 naming each field the body's type does not accept; nothing when there is none. */
export function refuseForeignFields(body: StepBody, foreign: readonly string[]): void {
  if (foreign.length === 0) return;
  throw new ApiError(
    400,
    'VALIDATION_FAILED',
    `invalid ${foreign.join(', ')}`,
    foreign.map((field) => ({ field, problems: [`${field} is not a field of type ${body.type}`] })),
  );
}
