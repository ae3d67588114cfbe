import { Command } from '@nestjs/cqrs';
import type { DossierStatus, DossierStepType, StepInput } from '@tracker/domain';
import type { RequestContext } from '../access/caller';

export { DOSSIER_STEP_TYPES, type DossierStepType } from '@tracker/domain';

/** A step as `POST /api/dossiers/{code}/events` carries it, already validated at the edge against its step
 * module's field specs: type, occurredAt and that type's fields. */
export type DossierStepInput = StepInput & Readonly<{ type: DossierStepType }>;

export type RecordDossierStepResult = Readonly<{ status: DossierStatus; revision: number }>;

export class RecordDossierStepCommand extends Command<RecordDossierStepResult> {
  constructor(
    readonly code: string,
    readonly step: DossierStepInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
