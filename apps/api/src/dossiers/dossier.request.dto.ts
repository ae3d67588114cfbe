import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ArrayMaxSize,
} from 'class-validator';
import {
  DOSSIER_STEP_TYPES,
  DOSSIER_STEPS,
  dossierStep,
  type DossierStepType,
  type FieldSpec,
  IDENTIFIED_THROUGH,
  type IdentifiedThrough,
} from '@tracker/domain';
import { IsInstant } from '../http/instant.validator';
import { IsBoundedJson } from '../http/bounded-json.validator';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';

export const DOSSIER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const CODE_MESSAGE = '$property must be 1-80 letters, digits, dots, dashes or underscores';
const MAX_AMOUNT = 1e12; // VND; well above any fee, below float trouble (as the steps' AMOUNT).

export class DossierCodeParam {
  @Matches(DOSSIER_CODE, { message: CODE_MESSAGE })
  code!: string;
}

export class ReceiveDossierRequest {
  @IsOptional()
  @Matches(DOSSIER_CODE, { message: CODE_MESSAGE })
  code?: string;

  @Matches(ID_PATTERN, { message: '$property must be a unit id' })
  unitId!: string;

  @Matches(ID_PATTERN, { message: '$property must be a procedure code' })
  procedureCode!: string;

  @IsIn(['in-person', 'postal', 'online'])
  channel!: 'in-person' | 'postal' | 'online';

  @ValidateIf((o: ReceiveDossierRequest) => o.channel === 'online' || o.onlineLevel !== undefined)
  @IsIn(['full', 'partial'], {
    message: 'onlineLevel must be full or partial (and is required for online dossiers)',
  })
  onlineLevel?: 'full' | 'partial';

  @IsInstant()
  receivedAt!: string;

  @IsOptional()
  @IsInstant()
  dueAt?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT)
  feeAmount?: number;

  /** The applicant (chủ hồ sơ), optional: what the portal push sends as ChuHoSo, LoaiDoiTuong, TrichYeuHoSo. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  applicantName?: string;

  @IsOptional()
  @IsIn(['citizen', 'organisation'])
  applicantKind?: 'citizen' | 'organisation';

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  summary?: string;

  /** How the applicant was identified at receipt (6.5b): VNeID, the population database, or papers. */
  @IsOptional()
  @IsIn(IDENTIFIED_THROUGH)
  identifiedThrough?: IdentifiedThrough;
}

export const STEP_TYPES = DOSSIER_STEP_TYPES;
export type StepType = DossierStepType;

/**
 * `POST /api/dossiers/{code}/events`: one flat body; each type's fields are required for that type and
 * refused for the others (a field of another type is most likely a client bug, not something to ignore).
 * The fields' rules are built below from the step modules' field specs (libs/domain/src/dossier/steps).
 */
export class RecordDossierStepRequest {
  @IsIn(STEP_TYPES)
  type!: StepType;

  @IsInstant()
  occurredAt!: string;

  [field: string]: unknown;
}

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

/** Each field once, with the types that require it and those that merely accept it. One field name means
 * one rule: two steps declaring it differently is a mistake in the step modules. */
function fieldTable(): Map<string, { spec: FieldSpec; required: string[]; optional: string[] }> {
  const table = new Map<string, { spec: FieldSpec; required: string[]; optional: string[] }>();
  for (const step of DOSSIER_STEPS) {
    for (const [name, spec] of Object.entries(step.fields)) {
      const row = table.get(name) ?? { spec, required: [], optional: [] };
      if (JSON.stringify({ ...row.spec, required: 0 }) !== JSON.stringify({ ...spec, required: 0 })) {
        throw new Error(`step field ${name} is declared with two different rules (${step.type})`);
      }
      (spec.required ? row.required : row.optional).push(step.type);
      table.set(name, row);
    }
  }
  return table;
}

for (const [name, { spec, required, optional }] of fieldTable()) {
  const applies = ValidateIf(
    (o: RecordDossierStepRequest) =>
      required.includes(o.type) || (optional.includes(o.type) && o[name] !== undefined),
  );
  // Decorators apply bottom-up: register them as written above a property would.
  for (const rule of [applies, ...rulesOf(name, spec, required)].reverse()) {
    rule(RecordDossierStepRequest.prototype, name);
  }
}

/** The body's fields that its type does not accept (beyond type and occurredAt); refused with a 400. */
export const foreignFields = (body: RecordDossierStepRequest): string[] =>
  Object.keys(body).filter(
    (k) =>
      k !== 'type' && k !== 'occurredAt' && !(k in dossierStep(body.type).fields) && body[k] !== undefined,
  );
