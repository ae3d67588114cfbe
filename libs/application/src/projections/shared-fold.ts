import { evolveDossier, initialDossierState, type DossierEvent, type DossierState } from '@tracker/domain';

/**
 * A pure evolve that remembers, per event object, the transition it made (the state it started from and
 * the one it gave). Several projections keep the same aggregate state (dossier-list, alerts and
 * deadline-scheduling all fold the dossier decider's), and their runners are handed the same event objects
 * by the one shared subscription: from the same initial state, the state the first computed for (state,
 * event) is what the others would compute, so each event is folded once instead of once per projection.
 * A miss (a state restored from the stream or loaded from Redis, another event) just computes. States are
 * immutable, so sharing them is safe; an entry lives as long as its event.
 */
export function sharedEvolve<S extends object, E extends object>(
  evolve: (state: S, event: E) => S,
): (state: S, event: E) => S {
  const made = new WeakMap<E, { from: S; to: S }>();
  return (state, event) => {
    const known = made.get(event);
    if (known !== undefined && known.from === state) return known.to;
    const after = evolve(state, event);
    made.set(event, { from: state, to: after });
    return after;
  };
}

/** The dossier decider's fold for projections: one initial state object and one memo, shared by all. */
export const sharedDossierFold: Readonly<{
  initial: DossierState;
  evolve: (state: DossierState, event: DossierEvent) => DossierState;
}> = {
  initial: Object.freeze(initialDossierState()),
  evolve: sharedEvolve<DossierState, DossierEvent>(evolveDossier),
};
