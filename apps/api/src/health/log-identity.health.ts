import {
  ALL_PROJECTIONS,
  LogIdentity,
  ProjectionStore,
  projectionId,
  staleGenerationReason,
} from '@tracker/application';

export type LogIdentityHealth = {
  /** The identity of the log the event store holds (null until a tracker process recorded one). */
  id: string | null;
  /** `rebuilding`: some read models were built from another log (a restore, a new data directory) and are
   * being built again from this one; until then they show the old log's data. */
  readModels: 'current' | 'rebuilding';
  rebuilding: { projection: string; reason: string }[];
};

/** Which read models the readers see were built from another log than the one the event store holds. */
export async function logIdentityHealth(
  identity: LogIdentity,
  store: ProjectionStore,
  head: bigint,
): Promise<LogIdentityHealth> {
  const id = await identity.read();
  const rebuilding: LogIdentityHealth['rebuilding'] = [];
  for (const projection of ALL_PROJECTIONS) {
    const checkpoint = (await store.status(projection))?.checkpoint;
    if (!checkpoint) continue;
    const reason =
      id === undefined
        ? checkpoint.position !== undefined
          ? 'the event store holds a log without an identity yet'
          : undefined
        : staleGenerationReason(checkpoint, id, head);
    if (reason) rebuilding.push({ projection: projectionId(projection), reason });
  }
  return { id: id ?? null, readModels: rebuilding.length ? 'rebuilding' : 'current', rebuilding };
}
