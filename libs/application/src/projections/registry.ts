import { dossierFactsProjection } from './dossier-facts.projection';
import { dossierListProjection } from './dossier-list.projection';
import type { AnyProjection } from './projection';

/** Every projection the worker runs and health reports. */
export const ALL_PROJECTIONS: readonly AnyProjection[] = [dossierListProjection, dossierFactsProjection];

/** By `name` or `name.vN`. */
export const findProjection = (name: string): AnyProjection | undefined =>
  ALL_PROJECTIONS.find((p) => p.name === name || `${p.name}.v${p.version}` === name);
