import {
  DOSSIER_EVENT_TYPES,
  DeadlineAlert,
  DossierEvent,
  DossierState,
  evolveDossier,
  initialDossierState,
  instantMs,
  openAlerts,
} from '@tracker/domain';
import type { IndexEntry, Projection } from '../projections/projection';

/** Per dossier: its state while alerts can still open (null once finished) and its open alerts. */
export type AlertsDoc = Readonly<{ dossier: DossierState | null; alerts: readonly DeadlineAlert[] }>;

/**
 * `alerts.v1`: the open due-soon / apology-needed / overdue alerts, derived from the dossier's state by
 * openAlerts. Indexes (members: dossier codes, scored by the first alert's instant): `all` and
 * `unit:<id>` for the receiving and the current unit.
 */
export const alertsProjection: Projection<AlertsDoc, DossierEvent> = {
  name: 'alerts',
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => ({ dossier: initialDossierState(), alerts: [] }),
  evolve: (doc, e) => {
    if (doc.dossier === null) return doc;
    const dossier = evolveDossier(doc.dossier, e.event);
    // A finished dossier never alerts again: drop its state.
    const finished = dossier.status !== 'none' && dossier.finishedAt !== null;
    return { dossier: finished ? null : dossier, alerts: openAlerts(dossier) };
  },
  indexes: (doc, id) => {
    if (doc.alerts.length === 0) return [];
    const score = Math.min(...doc.alerts.map((a) => instantMs(a.raisedAt, 'raisedAt')));
    const units = new Set(doc.alerts.flatMap((a) => [a.unitId, a.currentUnitId]));
    return [
      { set: 'all', score, member: id },
      ...[...units].map((u): IndexEntry => ({ set: `unit:${u}`, score, member: id })),
    ];
  },
};
