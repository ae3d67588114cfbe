import type { PortalSyncReader, UnitSyncHealth } from '@tracker/application';
import type { TokenRegistry } from '@tracker/infrastructure';
import type { Request } from 'express';

export type SyncHealth = Readonly<{ enabled: boolean; units: UnitSyncHealth[] }>;

/**
 * The national portal sync's part of /api/health, for a caller with a valid token only (per unit: synced,
 * pending, failed, the oldest pending push's age). Undefined without a token: the public answer stays cheap.
 */
export async function syncHealth(
  req: Request,
  tokens: TokenRegistry,
  reader: PortalSyncReader,
): Promise<SyncHealth | undefined> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match || !tokens.authenticate(match[1]!)) return undefined;
  const { enabled, units } = await reader.overview({});
  return { enabled, units };
}
