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
  DOSSIER_STEP_TYPES,
  DOSSIER_STEPS,
  dossierStep,
  type DossierStepType,
  IDENTIFIED_THROUGH,
  type IdentifiedThrough,
  RECORD_ID,
  RECORD_ID_MAX,
} from '@tracker/domain';
import { IsInstant } from '../http/instant.validator';
import { declareStepFields, foreignStepFields } from '../http/step-request';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';

export const DOSSIER_CODE = RECORD_ID;
const CODE_MESSAGE = `$property must be 1-${RECORD_ID_MAX} letters, digits, dots, dashes or underscores`;
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

declareStepFields(RecordDossierStepRequest, DOSSIER_STEPS);

/** The body's fields that its type does not accept (beyond type and occurredAt); refused with a 400. */
export const foreignFields = (body: RecordDossierStepRequest): string[] =>
  foreignStepFields(body, dossierStep(body.type).fields);
