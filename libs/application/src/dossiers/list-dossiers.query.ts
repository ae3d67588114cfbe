import { Query } from '@nestjs/cqrs';
import type { DossierStatus } from '@tracker/domain';
import type { Caller } from '../access/caller';

export type DueFilter = 'overdue' | 'due-soon';

export type ListDossiersCriteria = Readonly<{
  unitId?: string;
  status?: DossierStatus;
  due?: DueFilter;
  /** Received at or after (ISO instant). */
  receivedFrom?: string;
  /** Received at or before (ISO instant). */
  receivedTo?: string;
  /** Page size, 1–500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}>;

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

/** Cursors are opaque to clients: base64url of the last row's sort key (`<received ms, 15 digits>|<code>`). */
export const encodeCursor = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^\d{15}\|[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(key) ? key : undefined;
}
