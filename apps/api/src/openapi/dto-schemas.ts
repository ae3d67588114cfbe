import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import type { FieldSpecs, StepLabels } from '@tracker/domain';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';

// class-transformer's @Type(() => Item) says what an array of nested DTOs holds; its storage is not exported
// from the package's entry point.
type Storage = typeof import('class-transformer/types/storage');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as Storage;

// The request DTOs' schemas come from their class-validator rules (the rules the API enforces), read at
// run time by class-validator-jsonschema: no second copy of a bound or a pattern in @ApiProperty, and no
// compile-time plugin (the sources run through @swc-node/register, the build through tsc).

export const schemaRef = (name: string) => `#/components/schemas/${name}`;

const SAMPLE_INSTANT = '2025-03-03T09:00:00+07:00';
const SAMPLE_DATE = '2025-03-03';

const SCHEMA_OPTIONS = {
  refPointerPrefix: schemaRef(''),
  classTransformerMetadataStorage: defaultMetadataStorage,
  // IsISO8601 says "a date or a date-time"; the pattern beside it says which (format added below).
  additionalConverters: {
    isIso8601: {},
    // IsNotEmpty also guards values of any JSON type (a correction's value): no `type: string` from it.
    isNotEmpty: { minLength: 1 },
    isBoundedJson: { description: 'Giá trị JSON bất kỳ, có giới hạn kích thước và độ sâu' },
  },
};

/** Every class-validator-decorated class's schema, by class name, with formats and examples for dates. */
export function dtoSchemas(): Record<string, SchemaObject> {
  const schemas = validationMetadatasToSchemas(SCHEMA_OPTIONS) as Record<string, SchemaObject>;
  for (const schema of Object.values(schemas)) walk(schema, dated);
  return schemas;
}

/**
 * A query or path DTO's schema, its inherited rules included: a DTO that only extends a generated base
 * (`listRequestOf`) has no metadata of its own, and every such base has the same class name.
 */
export function parameterDtoSchema(dto: Type<unknown>): SchemaObject | undefined {
  const schema = targetConstructorToSchema(dto, SCHEMA_OPTIONS) as SchemaObject;
  if (!Object.keys(schema.properties ?? {}).length) return undefined;
  walk(schema, dated);
  return schema;
}

/** A string pattern that accepts an instant (or a calendar day) is one: say so to readers and generators. */
function dated(schema: SchemaObject): void {
  if (schema.type !== 'string' || !schema.pattern || schema.format) return;
  const pattern = new RegExp(schema.pattern);
  if (pattern.test(SAMPLE_INSTANT) && !pattern.test(SAMPLE_DATE)) {
    Object.assign(schema, { format: 'date-time', example: SAMPLE_INSTANT });
  } else if (pattern.test(SAMPLE_DATE) && !pattern.test(SAMPLE_INSTANT)) {
    Object.assign(schema, { format: 'date', example: SAMPLE_DATE });
  }
}

function walk(schema: SchemaObject, visit: (s: SchemaObject) => void): void {
  visit(schema);
  for (const child of Object.values(schema.properties ?? {})) walk(child as SchemaObject, visit);
  if (schema.items) walk(schema.items as SchemaObject, visit);
  for (const list of [schema.oneOf, schema.anyOf, schema.allOf]) {
    for (const child of list ?? []) walk(child as SchemaObject, visit);
  }
}

/**
 * Query and path DTOs are spread into one parameter per property by @nestjs/swagger, which reads
 * @ApiProperty metadata: give it, from the same class-validator schema (done once per class).
 */
const described = new WeakSet<object>();
export function describeParameterDto(dto: Type<unknown>): void {
  if (described.has(dto)) return;
  const schema = parameterDtoSchema(dto);
  if (!schema) return;
  described.add(dto);
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const { type, ...rest } = property as SchemaObject;
    ApiProperty({
      ...rest,
      type: type === 'integer' ? 'integer' : (type as string | undefined),
      required: required.has(name),
    } as never)(dto.prototype, name);
  }
}

type StepModule = Readonly<{ type: string; labels: StepLabels; fields: FieldSpecs }>;

/**
 * `POST …/events` bodies: one schema per step type, built from the step modules' field specs (which fields,
 * which required) and the flat DTO's per-field schemas (the rules the DTO builds from those same specs), and
 * a `oneOf` over them discriminated by `type`.
 */
export function stepBodySchemas(
  name: string,
  flat: SchemaObject,
  steps: readonly StepModule[],
): Record<string, SchemaObject> {
  const properties = (flat.properties ?? {}) as Record<string, SchemaObject>;
  const accepted = new Set((properties.type?.enum ?? []) as string[]);
  const out: Record<string, SchemaObject> = {};
  const mapping: Record<string, string> = {};
  for (const step of steps.filter((s) => accepted.has(s.type))) {
    const stepName = `${name}.${step.type}`;
    mapping[step.type] = schemaRef(stepName);
    const fields = Object.entries(step.fields);
    out[stepName] = {
      type: 'object',
      title: `${step.type}: ${step.labels.vi}`,
      description: `${step.labels.vi} (${step.labels.en})`,
      properties: {
        type: { type: 'string', enum: [step.type] },
        occurredAt: properties.occurredAt,
        ...Object.fromEntries(fields.map(([field]) => [field, properties[field]])),
      },
      required: ['type', 'occurredAt', ...fields.filter(([, spec]) => spec.required).map(([field]) => field)],
      additionalProperties: false,
    };
  }
  out[name] = {
    description: 'Một bước, theo `type`; trường của loại khác bị từ chối (400).',
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping },
  };
  return out;
}
