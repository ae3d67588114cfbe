import { Query } from '@nestjs/cqrs';
import type { Caller } from '../access/caller';
import type { HistoryEntry } from '../command-handling/stream-history';

export type DossierView = Readonly<
  Record<string, unknown> & { code: string; history: readonly HistoryEntry[] }
>;

export type { HistoryEntry };

export class GetDossierQuery extends Query<DossierView> {
  constructor(
    readonly code: string,
    readonly caller: Caller,
  ) {
    super();
  }
}
