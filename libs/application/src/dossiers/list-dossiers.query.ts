import { Query } from '@nestjs/cqrs';
import type { DossierStatus } from '@tracker/domain';
import type { Caller } from '../access/caller';
import type { ListCriteria } from '../projections/scoped-list';

export type { DueFilter } from '../projections/scoped-list';

export type ListDossiersCriteria = ListCriteria<DossierStatus>;

/** One row of `GET /api/dossiers`. */
export type DossierListItem = Readonly<{
  code: string;
  unitId: string;
  currentUnitId: string;
  procedureCode: string;
  status: DossierStatus;
  channel: string;
  onlineLevel: string | null;
  receivedAt: string;
  dueAt: string;
  effectiveDueAt: string;
  rescheduledDueAt: string | null;
  /** A recorded overdue (DossierBecameOverdue) that was not retracted. */
  overdue: boolean;
  /** Unfinished and the effective due has passed, recorded yet or not. */
  pastDue: boolean;
  /** The latest due-soon alert stage recorded for the current effective due, if any. */
  alert: string | null;
  supplementRequests: number;
  finishedAt: string | null;
  finishedBy: string | null;
  onTime: boolean | null;
}>;

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
