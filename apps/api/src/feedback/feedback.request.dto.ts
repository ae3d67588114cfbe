import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import {
  FEEDBACK_ABOUT,
  FEEDBACK_CHANNELS,
  FEEDBACK_STEP_TYPES,
  FEEDBACK_STEPS,
  feedbackStep,
  type FeedbackAbout,
  type FeedbackChannel,
  type FeedbackStepType,
} from '@tracker/domain';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DOSSIER_CODE } from '../dossiers/dossier.request.dto';
import { IsInstant } from '../http/instant.validator';
import { listRequestOf } from '../http/list.request.dto';
import { declareStepFields, foreignStepFields } from '../http/step-request';

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

declareStepFields(RecordFeedbackStepRequest, FEEDBACK_STEPS);

/** The body's fields that its type does not accept (beyond type and occurredAt). */
export const foreignFeedbackFields = (body: RecordFeedbackStepRequest): string[] =>
  foreignStepFields(body, feedbackStep(body.type).fields);

const STATUSES = [
  'received',
  'awaiting-information',
  'answered',
  'published',
  'rejected',
  'returned',
] as const;

/** `GET /api/feedback` query string. */
export class ListFeedbackRequest extends listRequestOf(STATUSES) {}
