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
import { DOSSIER_STEP_TYPES, DossierStepType } from '@tracker/application';
import { IsInstant } from '../http/instant.validator';
import { IsBoundedJson } from '../http/bounded-json.validator';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';

export const DOSSIER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const CODE_MESSAGE = '$property must be 1-80 letters, digits, dots, dashes or underscores';
const MAX_AMOUNT = 1e12; // VND; well above any fee, below float trouble.

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
}

export const STEP_TYPES = DOSSIER_STEP_TYPES;
export type StepType = DossierStepType;

const when =
  (...types: StepType[]) =>
  (o: RecordDossierStepRequest) =>
    types.includes(o.type);
const whenGiven =
  (field: keyof RecordDossierStepRequest, ...types: StepType[]) =>
  (o: RecordDossierStepRequest) =>
    types.includes(o.type) && o[field] !== undefined;

/**
 * `POST /api/dossiers/{code}/events`: one flat body; each type's fields are required for that type and
 * refused for the others (a field of another type is most likely a client bug, not something to ignore).
 */
export class RecordDossierStepRequest {
  @IsIn(STEP_TYPES)
  type!: StepType;

  @IsInstant()
  occurredAt!: string;

  // transferred
  @ValidateIf(when('transferred'))
  @Matches(ID_PATTERN, { message: 'toUnitId must be a unit id' })
  toUnitId?: string;

  // transferred, withdrawn (optional); supplement-requested, stopped, apology-issued, correction-recorded (required)
  @ValidateIf(
    (o: RecordDossierStepRequest) =>
      ['supplement-requested', 'stopped', 'apology-issued', 'correction-recorded'].includes(o.type) ||
      (['transferred', 'withdrawn'].includes(o.type) && o.reason !== undefined),
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason?: string;

  // processed
  @ValidateIf(when('processed'))
  @IsIn(['approved', 'denied'])
  outcome?: 'approved' | 'denied';

  // apology-issued
  @ValidateIf(when('apology-issued'))
  @IsInstant()
  newDueAt?: string;

  @ValidateIf(when('apology-issued'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  signedBy?: string;

  // input-digitized
  @ValidateIf(whenGiven('reused', 'input-digitized'))
  @IsBoolean()
  reused?: boolean;

  @ValidateIf(whenGiven('fromPersonalStore', 'input-digitized'))
  @IsBoolean()
  fromPersonalStore?: boolean;

  @ValidateIf(whenGiven('documents', 'input-digitized'))
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  documents?: string[];

  // payment-requested, paid-online, paid-offline
  @ValidateIf(when('payment-requested', 'paid-online', 'paid-offline'))
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT)
  amount?: number;

  @ValidateIf(when('paid-online'))
  @IsIn(['national', 'provincial'])
  gateway?: 'national' | 'provincial';

  // satisfaction-rated
  @ValidateIf(when('satisfaction-rated'))
  @IsBoolean()
  satisfied?: boolean;

  // correction-recorded
  @ValidateIf(when('correction-recorded'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  field?: string;

  @ValidateIf(when('correction-recorded'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  approvedBy?: string;

  @ValidateIf(when('correction-recorded'))
  @IsNotEmpty({ message: 'value is required for correction-recorded' })
  @IsBoundedJson({ maxBytes: 4096, maxDepth: 4 })
  value?: unknown;
}

/** Fields each step type accepts, beyond type and occurredAt; anything else is refused with a 400. */
export const FIELDS_OF: Record<StepType, readonly string[]> = {
  transferred: ['toUnitId', 'reason'],
  'supplement-requested': ['reason'],
  'supplement-received': [],
  processed: ['outcome'],
  'result-returned': [],
  stopped: ['reason'],
  withdrawn: ['reason'],
  'apology-issued': ['reason', 'newDueAt', 'signedBy'],
  'input-digitized': ['reused', 'fromPersonalStore', 'documents'],
  'result-issued-electronically': [],
  'payment-requested': ['amount'],
  'paid-online': ['amount', 'gateway'],
  'paid-offline': ['amount'],
  'satisfaction-rated': ['satisfied'],
  synced: [],
  'correction-recorded': ['field', 'reason', 'approvedBy', 'value'],
};
