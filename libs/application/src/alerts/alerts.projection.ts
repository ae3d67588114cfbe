import {
  DOSSIER_EVENT_TYPES,
  DeadlineAlert,
  DossierEvent,
  DossierState,
  dossierStreamName,
  instantMs,
  openAlerts,
} from '@tracker/domain';
import type { FoldedBatch, IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import type { AlertFeed, AlertFeedEntry } from './alert-feed.port';
import { sharedDossierFold } from '../projections/shared-fold';

/** The fold's state per dossier: its state while alerts can still open (null once finished), its open alerts. */
export type AlertsDoc = Readonly<{ dossier: DossierState | null; alerts: readonly DeadlineAlert[] }>;

/** What is stored for readers: the open alerts only. */
export type AlertsView = Readonly<{ alerts: readonly DeadlineAlert[] }>;

/**
 * `alerts.v2`: the open due-soon / apology-needed / overdue alerts, derived from the dossier's state by
 * openAlerts, stored lean (AlertsView: v1 stored the dossier's state too; the runner restores it from the
 * stream to fold the next event). Indexes (members: dossier codes, scored by the first alert's instant):
 * `all` and `unit:<id>` for the receiving and the current unit. Its effects: the change feed
 * (alertFeedHooks).
 */
export const alertsProjection: Projection<AlertsDoc, DossierEvent> = {
  name: 'alerts',
  version: 2,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => ({ dossier: sharedDossierFold.initial, alerts: [] }),
  evolve: (doc, e) => {
    if (doc.dossier === null) return doc;
    const dossier = sharedDossierFold.evolve(doc.dossier, e.event);
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
  view: (doc): AlertsView => ({ alerts: doc.alerts }),
  streamOf: (code) => dossierStreamName(code),
};

const byId = (alerts: readonly DeadlineAlert[] | undefined) => new Map((alerts ?? []).map((a) => [a.id, a]));

/**
 * The alert feed entries of a folded batch: each event's opened/closed alerts, under ids derived from the
 * event's position (`<position>-<n>`, numbered per position: events of one append may share a commit
 * position on a real cluster). A batch replayed after a failed commit gives the same ids, which the feed
 * skips, so a reader never gets a change twice nor misses one.
 */
export function alertFeedEntries<D extends AlertsView = AlertsDoc>(batch: FoldedBatch<D>): AlertFeedEntry[] {
  const entries: AlertFeedEntry[] = [];
  let lastPosition: bigint | undefined;
  let n = 0;
  for (const step of batch.steps) {
    const old = byId(step.before?.alerts);
    const now = byId(step.after?.alerts);
    const position = step.event.position;
    if (position !== lastPosition) n = 0;
    lastPosition = position;
    const push = (change: 'opened' | 'closed', alert: DeadlineAlert) =>
      entries.push({ id: `${position}-${++n}`, change, alert });
    for (const [key, alert] of old) if (!now.has(key)) push('closed', alert);
    for (const [key, alert] of now) if (!old.has(key)) push('opened', alert);
  }
  return entries;
}

/** `alerts.v1`'s effects (and feedback-alerts.v1's): its changes go to the feed (SSE) before the batch commits. */
export const alertFeedHooks = <D extends AlertsView = AlertsDoc>(feed: AlertFeed): ProjectionHooks<D> => ({
  async effects(batch) {
    const entries = alertFeedEntries(batch);
    if (entries.length) await feed.append(entries);
  },
  // The change feed's ids are the old log's positions: it is cleared when the alerts are rebuilt for another.
  onNewLog: () => feed.reset(),
});
