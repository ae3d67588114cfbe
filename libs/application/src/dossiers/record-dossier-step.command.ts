import { Command } from '@nestjs/cqrs';
import type { DossierStatus } from '@tracker/domain';
import type { RequestContext } from '../access/caller';

export const DOSSIER_STEP_TYPES = [
  'transferred',
  'supplement-requested',
  'supplement-received',
  'processed',
  'result-returned',
  'stopped',
  'withdrawn',
  'apology-issued',
  'input-digitized',
  'result-issued-electronically',
  'payment-requested',
  'paid-online',
  'paid-offline',
  'satisfaction-rated',
  'synced',
  'correction-recorded',
] as const;
export type DossierStepType = (typeof DOSSIER_STEP_TYPES)[number];

/** A step as `POST /api/dossiers/{code}/events` carries it, already validated at the edge. */
export type DossierStepInput = Readonly<{
  type: DossierStepType;
  occurredAt: string;
  toUnitId?: string;
  reason?: string;
  outcome?: 'approved' | 'denied';
  newDueAt?: string;
  signedBy?: string;
  reused?: boolean;
  fromPersonalStore?: boolean;
  documents?: string[];
  amount?: number;
  gateway?: 'national' | 'provincial';
  satisfied?: boolean;
  field?: string;
  approvedBy?: string;
  value?: unknown;
}>;

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
