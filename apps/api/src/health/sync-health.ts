import type { PortalSyncReader, UnitSyncHealth } from '@tracker/application';

export type SyncHealth = Readonly<{ enabled: boolean; units: UnitSyncHealth[] }>;

/**
 * The national portal sync's part of /api/health, in the details a caller with a valid token sees (per unit:
 * synced, pending, failed, the oldest pending push's age).
 */
export async function syncHealth(reader: PortalSyncReader): Promise<SyncHealth> {
  const { enabled, units } = await reader.overview({});
  return { enabled, units };
}
