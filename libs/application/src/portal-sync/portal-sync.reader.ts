import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError } from '@tracker/domain';
import { CatalogueReader } from '../catalogue/catalogue.reader';
import { CLOCK, type Clock } from '../ports/clock.port';
import { PROJECTION_STORE, type ProjectionStore } from '../projections/projection-store.port';
import { portalSyncProjection, type PortalSyncDoc } from './portal-sync.projection';
import {
  PORTAL_PUSH_QUEUE,
  PORTAL_SYNC_ENABLED,
  PORTAL_SYNC_FAILURES,
  type PortalPushQueue,
  type PortalSyncFailure,
  type PortalSyncFailures,
} from './portal-sync.ports';

/** A unit's sync health: dossiers the portal accepted, still waiting, failed; the oldest waiting push's age. */
export type UnitSyncHealth = Readonly<{
  unitId: string;
  synced: number;
  pending: number;
  failed: number;
  /** Seconds since the oldest push not yet accepted was appended (failed ones included); null when none. */
  oldestPendingAgeSeconds: number | null;
}>;

export type SyncStatusFilter = 'pending' | 'failed' | 'synced';
export type PendingDossier = Readonly<{ code: string; unitId: string; pendingPushes: number; since: string }>;

export type SyncOverview = Readonly<{
  /** NATIONAL_PORTAL_* set: the system pushes and records `synced`. */
  enabled: boolean;
  units: UnitSyncHealth[];
  failed?: PortalSyncFailure[];
  pending?: PendingDossier[];
  synced?: { code: string; unitId: string; syncedAt: string }[];
}>;

const LIST_LIMIT = 1000;

/** `GET /api/sync`, the admin page and /api/health's sync part, over portal-sync.v1 and the failed pushes. */
@Injectable()
export class PortalSyncReader {
  constructor(
    @Inject(PROJECTION_STORE) private readonly store: ProjectionStore,
    @Inject(PORTAL_SYNC_FAILURES) private readonly failures: PortalSyncFailures,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalogue: CatalogueReader,
    @Optional() @Inject(PORTAL_SYNC_ENABLED) private readonly enabled: boolean = false,
    @Optional() @Inject(PORTAL_PUSH_QUEUE) private readonly queue?: PortalPushQueue,
  ) {}

  async health(unitId?: string): Promise<UnitSyncHealth[]> {
    const generation = await this.store.activeGeneration(portalSyncProjection);
    const failures = await this.failures.list();
    const units = unitId !== undefined ? [unitId] : this.catalogue.listUnits().map((u) => u.unitId);
    const nowMs = this.clock.now().getTime();
    return Promise.all(
      units.map(async (id) => {
        const failed = failures.filter((f) => f.unitId === id).length;
        if (generation === undefined) {
          return { unitId: id, synced: 0, pending: 0, failed, oldestPendingAgeSeconds: null };
        }
        const [pending, synced] = await Promise.all([
          this.store.indexSummary(portalSyncProjection, generation, `pending:${id}`),
          this.store.indexSummary(portalSyncProjection, generation, `synced:${id}`),
        ]);
        return {
          unitId: id,
          synced: synced.count,
          pending: Math.max(0, pending.count - failed),
          failed,
          oldestPendingAgeSeconds:
            pending.lowestScore === undefined
              ? null
              : Math.max(0, Math.round((nowMs - pending.lowestScore) / 1000)),
        };
      }),
    );
  }

  async overview(query: { unitId?: string; status?: SyncStatusFilter }): Promise<SyncOverview> {
    const units = await this.health(query.unitId);
    const inUnit = (u: string) => query.unitId === undefined || u === query.unitId;
    const base = { enabled: this.enabled, units };
    switch (query.status) {
      case 'failed':
        return { ...base, failed: (await this.failures.list()).filter((f) => inUnit(f.unitId)) };
      case 'pending': {
        const docs = await this.listed(query.unitId === undefined ? 'pending' : `pending:${query.unitId}`);
        return {
          ...base,
          pending: docs.map(({ code, doc }) => ({
            code,
            unitId: doc.unitId,
            pendingPushes: doc.pending.length,
            since: new Date(doc.pending[0]?.atMs ?? 0).toISOString(),
          })),
        };
      }
      case 'synced': {
        const sets = query.unitId !== undefined ? [query.unitId] : units.map((u) => u.unitId);
        const synced: { code: string; unitId: string; syncedAt: string }[] = [];
        for (const u of sets) {
          if (synced.length >= LIST_LIMIT) break;
          for (const { code, doc } of await this.listed(`synced:${u}`, LIST_LIMIT - synced.length)) {
            synced.push({ code, unitId: doc.unitId, syncedAt: new Date(doc.syncedAtMs ?? 0).toISOString() });
          }
        }
        return { ...base, synced };
      }
      default:
        return { ...base, failed: (await this.failures.list()).filter((f) => inUnit(f.unitId)) };
    }
  }

  /** `POST /api/sync/{code}/resend`: queue the dossier's pushes the portal has not accepted once more. */
  async resend(code: string): Promise<{ code: string; job: string; pendingPushes: number }> {
    if (!this.enabled || !this.queue) {
      throw new DomainError(
        'PORTAL_NOT_CONFIGURED',
        'rule',
        'no national portal is configured (NATIONAL_PORTAL_*)',
      );
    }
    const generation = await this.store.activeGeneration(portalSyncProjection);
    const [doc] =
      generation === undefined
        ? [undefined]
        : await this.store.documents<PortalSyncDoc>(portalSyncProjection, generation, [code]);
    if (!doc) throw new DomainError('DOSSIER_NOT_FOUND', 'not-found', `no dossier ${code} in the outbox`);
    const last = doc.pending[doc.pending.length - 1];
    if (!last) throw new DomainError('NOTHING_TO_RESEND', 'conflict', `every push of ${code} was accepted`);
    const job = await this.queue.resend(code, doc.unitId, last.revision);
    await this.failures.clear(code);
    return { code, job, pendingPushes: doc.pending.length };
  }

  private async listed(set: string, limit = LIST_LIMIT): Promise<{ code: string; doc: PortalSyncDoc }[]> {
    const generation = await this.store.activeGeneration(portalSyncProjection);
    if (generation === undefined) return [];
    const codes = (
      await this.store.membersByScore(portalSyncProjection, generation, set, -Infinity, Infinity)
    ).slice(0, limit);
    const docs = await this.store.documents<PortalSyncDoc>(portalSyncProjection, generation, codes);
    return codes.flatMap((code, i) => (docs[i] ? [{ code, doc: docs[i]! }] : []));
  }
}
