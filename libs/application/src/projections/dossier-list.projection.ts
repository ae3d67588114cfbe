import {
  Dossier,
  DossierEvent,
  DossierState,
  DOSSIER_EVENT_TYPES,
  evolveDossier,
  initialDossierState,
  instantMs,
  isDossier,
} from '@tracker/domain';
import type { IndexEntry, Projection } from './projection';

/**
 * `dossier-list.v1`: one document per dossier, the dossier decider's own state (folded with its evolve, so
 * the rules of status, effective due, overdue and on-time live in one place), with the indexes
 * `GET /api/dossiers` pages through. Every index orders its members by `<receivedAt ms, 15 digits>|<code>`
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
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => initialDossierState(),
  evolve: (doc, e) => evolveDossier(doc, e.event),
  indexes: (doc) => (isDossier(doc) ? dossierIndexes(doc) : []),
};

/** The order of the list: received instant, then code. Also the paging cursor. */
export const dossierSortKey = (d: Pick<Dossier, 'receivedAt' | 'code'>): string =>
  `${String(instantMs(d.receivedAt, 'receivedAt')).padStart(15, '0')}|${d.code}`;

/** Lower bound of the sort keys at or after an instant (ms). */
export const sortKeyFloor = (ms: number): string => String(Math.max(0, ms)).padStart(15, '0');

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
