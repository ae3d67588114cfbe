import {
  DOSSIER_EVENT_TYPES,
  PORTAL_EVENT_TYPES,
  portalPushId,
  type DossierEvent,
  type PortalPush,
} from '@tracker/domain';
import type { IndexEntry, Projection, ProjectionHooks } from '../projections/projection';
import type { PortalPushJob, PortalPushQueue } from './portal-sync.ports';

/** A push not yet accepted: its id, the revision it carries and when its event was appended (ms). */
export type PendingPush = Readonly<{ id: string; revision: number; atMs: number }>;

/** What the outbox keeps per dossier: its unit, the pushes the portal has not accepted, whether it was synced. */
export type PortalSyncDoc = Readonly<{
  unitId: string;
  pending: readonly PendingPush[];
  /** When the first push was accepted (DossierSynced by the system), ms; null before. */
  syncedAtMs: number | null;
}>;

/**
 * `portal-sync.v1`: the national portal's outbox (ARCHITECTURE.md, "Outbound integrations"). The fold keeps,
 * per dossier, the pushes its events call for (PORTAL_EVENT_TYPES) that no DossierSynced /
 * DossierStatusSynced has acknowledged yet; the effects queue each new one as a BullMQ job with the push's
 * id (deterministic: a replay queues nothing twice); the job pushes every pending push of the dossier up to
 * its own, in order, and records the acceptance in the stream, which the fold then takes off the list.
 * Indexes: `pending:{unit}` and `pending` (by the oldest pending push's append time), `synced:{unit}`.
 */
export const portalSyncProjection: Projection<PortalSyncDoc, DossierEvent> = {
  name: 'portal-sync',
  version: 1,
  streamPrefixes: ['dossier-'],
  canHandle: DOSSIER_EVENT_TYPES,
  documentId: (e) =>
    e.streamName.startsWith('dossier-') ? e.streamName.slice('dossier-'.length) : undefined,
  initialState: () => ({ unitId: '', pending: [], syncedAtMs: null }),
  evolve: (doc, e) => {
    const event = e.event;
    const code = e.streamName.slice('dossier-'.length);
    let next = doc;
    if (event.type === 'DossierReceived') next = { ...next, unitId: event.data.unitId };
    if (PORTAL_EVENT_TYPES.has(event.type)) {
      const push = {
        id: portalPushId(code, e.revision),
        revision: Number(e.revision),
        atMs: e.recordedAt.getTime(),
      };
      next = { ...next, pending: [...next.pending, push] };
    }
    if (event.type === 'DossierSynced' || event.type === 'DossierStatusSynced') {
      const push: PortalPush | undefined = event.data.push;
      if (push) {
        next = {
          ...next,
          pending: next.pending.filter((p) => p.id !== push.id),
          syncedAtMs: next.syncedAtMs ?? e.recordedAt.getTime(),
        };
      }
    }
    return next;
  },
  indexes: (doc, code) => {
    const entries: IndexEntry[] = [];
    const oldest = doc.pending[0];
    if (oldest) {
      entries.push({ set: 'pending', score: oldest.atMs, member: code });
      entries.push({ set: `pending:${doc.unitId}`, score: oldest.atMs, member: code });
    }
    if (doc.syncedAtMs !== null)
      entries.push({ set: `synced:${doc.unitId}`, score: doc.syncedAtMs, member: code });
    return entries;
  },
};

/** portal-sync.v1's effects: each push newly pending goes to the queue before the batch is committed. */
export const portalSyncHooks = (queue: PortalPushQueue): ProjectionHooks<PortalSyncDoc> => ({
  async effects({ changes }) {
    const jobs: PortalPushJob[] = [];
    for (const change of changes) {
      const before = new Set((change.before?.doc.pending ?? []).map((p) => p.id));
      for (const p of change.after?.doc.pending ?? []) {
        if (!before.has(p.id))
          jobs.push({ id: p.id, code: change.id, unitId: change.after!.doc.unitId, revision: p.revision });
      }
    }
    if (jobs.length) await queue.enqueue(jobs);
  },
});
