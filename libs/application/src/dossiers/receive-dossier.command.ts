import { Command } from '@nestjs/cqrs';
import type { Channel, DossierOnlineLevel, DossierStatus, IdentifiedThrough } from '@tracker/domain';
import type { RequestContext } from '../access/caller';

export type ReceiveDossierInput = Readonly<{
  code?: string;
  unitId: string;
  procedureCode: string;
  channel: Channel;
  onlineLevel?: DossierOnlineLevel;
  receivedAt: string;
  dueAt?: string;
  feeAmount?: number;
  applicantName?: string;
  applicantKind?: 'citizen' | 'organisation';
  summary?: string;
  identifiedThrough?: IdentifiedThrough;
}>;

export type ReceiveDossierResult = Readonly<{
  code: string;
  dueAt: string;
  status: DossierStatus;
  revision: number;
}>;

export class ReceiveDossierCommand extends Command<ReceiveDossierResult> {
  constructor(
    readonly input: ReceiveDossierInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}
