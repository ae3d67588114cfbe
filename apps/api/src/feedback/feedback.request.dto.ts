import { Transform } from 'class-transformer';
import {
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
} from 'class-validator';
import {
  FEEDBACK_ABOUT,
  FEEDBACK_CHANNELS,
  FEEDBACK_STEP_TYPES,
  FEEDBACK_STEPS,
  feedbackStep,
  type FeedbackAbout,
  type FeedbackChannel,
  type FeedbackStepType,
  type FieldSpec,
} from '@tracker/domain';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DOSSIER_CODE, rulesOf } from '../dossiers/dossier.request.dto';
import { IsInstant } from '../http/instant.validator';

const ID_MESSAGE = '$property must be 1-80 letters, digits, dots, dashes or underscores';

export class FeedbackIdParam {
  @Matches(DOSSIER_CODE, { message: ID_MESSAGE })
  id!: string;
}

/** `POST /api/feedback`. */
export class ReceiveFeedbackRequest {
  @IsOptional()
  @Matches(DOSSIER_CODE, { message: ID_MESSAGE })
  id?: string;

  @Matches(ID_PATTERN, { message: '$property must be a unit id' })
  unitId!: string;

  @IsInstant()
  receivedAt!: string;

  @IsIn(FEEDBACK_CHANNELS)
  channel!: FeedbackChannel;

  @IsIn(FEEDBACK_ABOUT)
  about!: FeedbackAbout;

  @ValidateIf((o: ReceiveFeedbackRequest) => o.about === 'procedure' || o.procedureCode !== undefined)
  @Matches(ID_PATTERN, { message: '$property must be a procedure code (required when about is procedure)' })
  procedureCode?: string;

  @ValidateIf((o: ReceiveFeedbackRequest) => o.about === 'dossier' || o.dossierCode !== undefined)
  @Matches(DOSSIER_CODE, { message: '$property must be a dossier code (required when about is dossier)' })
  dossierCode?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  summary!: string;
}

/**
 * `POST /api/feedback/{id}/events`: one flat body; each type's fields are required for that type and refused
 * for the others. The rules are built from the feedback step modules' field specs.
 */
export class RecordFeedbackStepRequest {
  @IsIn(FEEDBACK_STEP_TYPES)
  type!: FeedbackStepType;

  @IsInstant()
  occurredAt!: string;

  [field: string]: unknown;
}

const table = new Map<string, { spec: FieldSpec; required: string[]; optional: string[] }>();
for (const step of FEEDBACK_STEPS) {
  for (const [name, spec] of Object.entries(step.fields)) {
    const row = table.get(name) ?? { spec, required: [], optional: [] };
    if (JSON.stringify({ ...row.spec, required: 0 }) !== JSON.stringify({ ...spec, required: 0 })) {
      throw new Error(`feedback step field ${name} is declared with two different rules (${step.type})`);
    }
    (spec.required ? row.required : row.optional).push(step.type);
    table.set(name, row);
  }
}
for (const [name, { spec, required, optional }] of table) {
  const applies = ValidateIf(
    (o: RecordFeedbackStepRequest) =>
      required.includes(o.type) || (optional.includes(o.type) && o[name] !== undefined),
  );
  for (const rule of [applies, ...rulesOf(name, spec, required)].reverse()) {
    rule(RecordFeedbackStepRequest.prototype, name);
  }
}

/** The body's fields that its type does not accept (beyond type and occurredAt). */
export const foreignFeedbackFields = (body: RecordFeedbackStepRequest): string[] =>
  Object.keys(body).filter(
    (k) =>
      k !== 'type' && k !== 'occurredAt' && !(k in feedbackStep(body.type).fields) && body[k] !== undefined,
  );

const STATUSES = [
  'received',
  'awaiting-information',
  'answered',
  'published',
  'rejected',
  'returned',
] as const;

/** `GET /api/feedback` query string. */
export class ListFeedbackRequest {
  @IsOptional()
  @Matches(ID_PATTERN, { message: '$property must be a unit id' })
  unitId?: string;

  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

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
  @IsString()
  cursor?: string;
}
