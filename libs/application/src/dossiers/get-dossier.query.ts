import { Query } from '@nestjs/cqrs';
import type { Caller } from '../access/caller';

export type DossierView = Readonly<
  Record<string, unknown> & { code: string; history: readonly HistoryEntry[] }
>;

export type HistoryEntry = Readonly<{
  revision: number;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  actor: string | null;
  role: string | null;
  data: unknown;
}>;

export class GetDossierQuery extends Query<DossierView> {
  constructor(
    readonly code: string,
    readonly caller: Caller,
  ) {
    super();
  }
}
