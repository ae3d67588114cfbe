import {
  DOSSIER_EVENT_TYPES,
  DeadlineAlert,
  DossierEvent,
  DossierState,
  type Event,
  dossierStreamName,
  instantMs,
  openAlerts,
} from '@tracker/domain';
import type { FoldedBatch, IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import type { AlertFeed, AlertFeedEntry } from './alert-feed.port';
import { sharedDossierFold } from '../projections/shared-fold';

/**
 * The fold's state per aggregate, under the aggregate's own field (`dossier`, `item`): its state while
 * alerts can still open (null once it never alerts again), and its open alerts.
 */
export type AlertsOf<K extends string, S> = Readonly<
  { [P in K]: S | null } & { alerts: readonly DeadlineAlert[] }
>;

/** The fold's state per dossier. */
export type AlertsDoc = AlertsOf<'dossier', DossierState>;

/** What is stored for readers: the open alerts only. */
export type AlertsView = Readonly<{ alerts: readonly DeadlineAlert[] }>;

/** What the factory needs of an aggregate to keep its open alerts. */
export type AlertingAggregate<K extends string, S, E extends Event> = Readonly<{
  name: string;
  version: number;
  streamPrefix: string;
  canHandle: readonly E['type'][];
  /** The document's field holding the state. */
  field: K;
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  openAlerts: (state: S) => readonly DeadlineAlert[];
  /** Whether it never alerts again (its state is then dropped); never, when left out. */
  finished?: (state: S) => boolean;
  streamOf: (id: string) => string;
}>;

/**
 * An alerts projection and its hooks for one aggregate: the open due-soon / apology-needed / overdue
 * alerts derived from its state, stored lean (AlertsView; the runner restores the state from the stream to
 * fold the next event). Indexes (members: document ids, scored by the first alert's instant): `all` and
 * `unit:<id>` for the receiving and the current unit. Its effects: the change feed (alertFeedHooks).
 */
export function alertsFor<K extends string, S, E extends Event>(
  a: AlertingAggregate<K, S, E>,
): {
  projection: Projection<AlertsOf<K, S>, E>;
  hooks: (feed: AlertFeed) => ProjectionHooks<AlertsOf<K, S>>;
} {
  type Doc = AlertsOf<K, S>;
  const doc = (state: S | null, alerts: readonly DeadlineAlert[]): Doc =>
    ({ [a.field]: state, alerts }) as Doc;
  const stateOf = (d: Doc): S | null => (d as Record<K, S | null>)[a.field];

  const projection: Projection<Doc, E> = {
    name: a.name,
    version: a.version,
    streamPrefixes: [a.streamPrefix],
    canHandle: a.canHandle,
    documentId: (e) =>
      e.streamName.startsWith(a.streamPrefix) ? e.streamName.slice(a.streamPrefix.length) : undefined,
    initialState: () => doc(a.initialState(), []),
    evolve: (d, e) => {
      const before = stateOf(d);
      if (before === null) return d;
      const state = a.evolve(before, e.event);
      return doc(a.finished?.(state) ? null : state, a.openAlerts(state));
    },
    indexes: (d, id) => {
      if (d.alerts.length === 0) return [];
      const score = Math.min(...d.alerts.map((x) => instantMs(x.raisedAt, 'raisedAt')));
      const units = new Set(d.alerts.flatMap((x) => [x.unitId, x.currentUnitId]));
      return [
        { set: 'all', score, member: id },
        ...[...units].map((u): IndexEntry => ({ set: `unit:${u}`, score, member: id })),
      ];
    },
    view: (d): AlertsView => ({ alerts: d.alerts }),
    streamOf: a.streamOf,
  };

  return { projection, hooks: (feed) => alertFeedHooks<Doc>(feed) };
}

const dossiers = alertsFor({
  name: 'alerts',
  version: 2,
  streamPrefix: 'dossier-',
  canHandle: DOSSIER_EVENT_TYPES,
  field: 'dossier',
  // The dossier fold dossier-list and deadline-scheduling share (sharedDossierFold): computed once per event.
  initialState: () => sharedDossierFold.initial,
  evolve: (state: DossierState, event: DossierEvent) => sharedDossierFold.evolve(state, event),
  openAlerts,
  // A finished dossier never alerts again: its state is dropped.
  finished: (dossier) => dossier.status !== 'none' && dossier.finishedAt !== null,
  streamOf: (code) => dossierStreamName(code),
});

/** `alerts.v2`: the dossiers' open alerts (alertsFor; v1 stored the dossier's state too). */
export const alertsProjection: Projection<AlertsDoc, DossierEvent> = dossiers.projection;
/** `alerts.v2`'s effects: its changes go to the feed. */
export const alertsHooks = dossiers.hooks;

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

/** Every alerts projection's effects: its changes go to the feed (SSE) before the batch commits. */
export const alertFeedHooks = <D extends AlertsView = AlertsDoc>(feed: AlertFeed): ProjectionHooks<D> => ({
  async effects(batch) {
    const entries = alertFeedEntries(batch);
    if (entries.length) await feed.append(entries);
  },
  // The change feed's ids are the old log's positions: it is cleared when the alerts are rebuilt for another.
  onNewLog: () => feed.reset(),
});
