import {
  Dossier,
  DossierEvent,
  DossierState,
  DossierStatus,
  DOSSIER_EVENT_TYPES,
  dossierStreamName,
  instantMs,
  isDossier,
} from '@tracker/domain';
import type { IndexEntry, Projection } from './projection';
import { sharedDossierFold } from './shared-fold';

/** What `GET /api/dossiers` shows of a dossier (all but `pastDue`, which depends on the hour it is read). */
export type DossierListDoc = Readonly<{
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
  /** The latest due-soon stage recorded for the current effective due, if any. */
  alert: string | null;
  supplementRequests: number;
  finishedAt: string | null;
  finishedBy: string | null;
  onTime: boolean | null;
  /** Unfinished and its clock not stopped (isRunning): past due once its effective due passes. */
  running: boolean;
}>;

/**
 * `dossier-list.v2`: one document per dossier, folded with the dossier decider's own evolve (so the rules of
 * status, effective due, overdue and on-time live in one place), stored lean: only the list's row
 * (DossierListDoc), not the decider's state (the runner restores that from the stream to fold the next
 * event). v1 stored the whole state, timeline included. With the indexes `GET /api/dossiers` pages through. Every index orders its members by `<receivedAt ms, 15 digits>|<code>`
 * (all scores equal, so ZRANGE BYLEX pages them in a stable order), except `running`, scored by the
 * effective due instant for the time-dependent filters.
 *
 * Index sets, for each scope `all` and `unit:<id>` (receiving unit and current unit):
 * - `<scope>`                    every dossier
 * - `<scope>:status:<status>`    by status
 * - `<scope>:overdue`            a DossierBecameOverdue not retracted
 * - `<scope>:alerted`            running, a DossierDueSoon recorded for its current effective due
 * - `<scope>:running`            unfinished, clock not stopped by an open first supplement request;
 *                                score = effective due ms
 */
export const dossierListProjection: Projection<DossierState, DossierEvent> = {
  name: 'dossier-list',
  version: 2,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => sharedDossierFold.initial,
  evolve: (doc, e) => sharedDossierFold.evolve(doc, e.event),
  indexes: (doc) => (isDossier(doc) ? dossierIndexes(doc) : []),
  view: (doc) => (isDossier(doc) ? listDoc(doc) : null),
  streamOf: (code) => dossierStreamName(code),
};

function listDoc(d: Dossier): DossierListDoc {
  const alerts = d.dueSoon.filter(
    (a) => instantMs(a.dueAt, 'dueAt') === instantMs(d.effectiveDueAt, 'effectiveDueAt'),
  );
  return {
    code: d.code,
    unitId: d.unitId,
    currentUnitId: d.currentUnitId,
    procedureCode: d.procedureCode,
    status: d.status,
    channel: d.channel,
    onlineLevel: d.onlineLevel,
    receivedAt: d.receivedAt,
    dueAt: d.dueAt,
    effectiveDueAt: d.effectiveDueAt,
    rescheduledDueAt: d.rescheduledDueAt,
    overdue: d.overdue,
    alert: alerts.length ? alerts[alerts.length - 1].stage : null,
    supplementRequests: d.supplementRequests,
    finishedAt: d.finishedAt,
    finishedBy: d.finishedBy,
    onTime: d.onTime,
    running: isRunning(d),
  };
}

/** The order of the list: received instant, then code. Also the paging cursor. */
export const dossierSortKey = (d: Pick<Dossier, 'receivedAt' | 'code'>): string =>
  `${String(instantMs(d.receivedAt, 'receivedAt')).padStart(15, '0')}|${d.code}`;

export { sortKeyFloor } from './scoped-list';

/** Unfinished, and its deadline clock not stopped by an open first supplement request. */
export const isRunning = (d: Dossier): boolean =>
  d.finishedAt === null &&
  !(d.openSupplement !== null && d.supplements[0]?.requestedAt === d.openSupplement.requestedAt);

/** A DossierDueSoon alert recorded for the dossier's current effective due. */
export const isAlerted = (d: Dossier): boolean =>
  isRunning(d) &&
  !d.overdue &&
  d.dueSoon.some((a) => instantMs(a.dueAt, 'dueAt') === instantMs(d.effectiveDueAt, 'effectiveDueAt'));

export const unitScopes = (d: Dossier): string[] =>
  [...new Set([d.unitId, d.currentUnitId])].map((u) => `unit:${u}`);

function dossierIndexes(d: Dossier): IndexEntry[] {
  const member = dossierSortKey(d);
  const entries: IndexEntry[] = [];
  for (const scope of ['all', ...unitScopes(d)]) {
    entries.push({ set: scope, score: 0, member });
    entries.push({ set: `${scope}:status:${d.status}`, score: 0, member });
    if (d.overdue) entries.push({ set: `${scope}:overdue`, score: 0, member });
    if (isAlerted(d)) entries.push({ set: `${scope}:alerted`, score: 0, member });
    if (isRunning(d)) {
      entries.push({ set: `${scope}:running`, score: instantMs(d.effectiveDueAt, 'effectiveDueAt'), member });
    }
  }
  return entries;
}
