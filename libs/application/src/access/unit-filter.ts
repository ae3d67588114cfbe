import { assertUnitAccess } from '@tracker/domain';
import type { CatalogueReader } from '../catalogue/catalogue.reader';
import type { Caller } from './caller';

/**
 * A `unitId` filter (the dossier and feedback lists, the alerts and their stream): a unit that exists, else 404
 * UNIT_NOT_FOUND (an unknown unit is not an empty answer, nor someone else's), and one the caller may read,
 * else 403 NOT_YOUR_UNIT.
 */
export async function assertUnitFilter(
  catalogue: Pick<CatalogueReader, 'knownUnit'>,
  caller: Caller,
  unitId: string,
): Promise<void> {
  await catalogue.knownUnit(unitId, 'unitId');
  assertUnitAccess(caller, 'read', unitId);
}
