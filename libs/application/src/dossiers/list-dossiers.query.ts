import { Query } from '@nestjs/cqrs';
import type { DossierStatus } from '@tracker/domain';
import type { Caller } from '../access/caller';
import type { DossierListDoc } from '../projections/dossier-list.projection';
import type { ListCriteria } from '../projections/scoped-list';

export type { DueFilter } from '../projections/scoped-list';

export type ListDossiersCriteria = ListCriteria<DossierStatus>;

/**
 * One row of `GET /api/dossiers`: the list's document, with whether it is past due at the hour it is read
 * (unfinished and the effective due has passed, recorded yet or not) in place of `running`.
 */
export type DossierListItem = Omit<DossierListDoc, 'running'> & Readonly<{ pastDue: boolean }>;

export type DossierListPage = Readonly<{
  items: DossierListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** The read model's checkpoint (commit position in `$all`) the page was read at, as a decimal string. */
  asOfPosition: string | null;
}>;

export class ListDossiersQuery extends Query<DossierListPage> {
  constructor(
    readonly criteria: ListDossiersCriteria,
    readonly caller: Caller,
  ) {
    super();
  }
}

export { decodeCursor, encodeCursor } from '../projections/scoped-list';
