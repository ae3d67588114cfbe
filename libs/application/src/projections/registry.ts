import type { AlertFeed } from '../alerts/alert-feed.port';
import { alertsHooks, alertsProjection } from '../alerts/alerts.projection';
import { feedbackAlertsHooks, feedbackAlertsProjection } from '../alerts/feedback-alerts.projection';
import {
  feedbackDeadlineSchedulingHooks,
  feedbackDeadlineSchedulingProjection,
} from '../deadlines/feedback-deadline-scheduling.projection';
import {
  deadlineSchedulingHooks,
  deadlineSchedulingProjection,
  type DeadlineSchedulingDeps,
} from '../deadlines/deadline-scheduling.projection';
import type { PortalPushQueue } from '../portal-sync/portal-sync.ports';
import { portalSyncHooks, portalSyncProjection } from '../portal-sync/portal-sync.projection';
import { dossierFactsProjection } from './dossier-facts.projection';
import { dossierListProjection } from './dossier-list.projection';
import { feedbackFactsProjection } from './feedback-facts.projection';
import { feedbackListProjection } from './feedback-list.projection';
import { projectionId, type AnyProjection, type ProjectionHooks } from './projection';

/** The adapters the projections' hooks use; a projection whose hooks need a missing one cannot run. */
export type ProjectionDeps = Readonly<{
  alertFeed?: AlertFeed;
  deadlines?: DeadlineSchedulingDeps;
  /** The national portal's push queue (NATIONAL_PORTAL_* set); without it no portal-sync.v1 runs. */
  portalPushes?: PortalPushQueue;
}>;

export type RegisteredProjection = Readonly<{
  projection: AnyProjection;
  /** Its hooks from this process's adapters; undefined when an adapter it needs is missing. */
  hooks?: (deps: ProjectionDeps) => ProjectionHooks | undefined;
}>;

/**
 * Every projection, in one place: the worker runs them, health reports their lag, `npm run
 * projections:rebuild` rebuilds them, the soak and the projections bench run them all.
 */
export const PROJECTION_REGISTRY: readonly RegisteredProjection[] = [
  { projection: dossierListProjection },
  { projection: dossierFactsProjection },
  { projection: feedbackListProjection },
  { projection: feedbackFactsProjection },
  { projection: feedbackAlertsProjection, hooks: (d) => d.alertFeed && feedbackAlertsHooks(d.alertFeed) },
  {
    projection: feedbackDeadlineSchedulingProjection,
    hooks: (d) => d.deadlines && feedbackDeadlineSchedulingHooks(d.deadlines),
  },
  { projection: alertsProjection, hooks: (d) => d.alertFeed && alertsHooks(d.alertFeed) },
  {
    projection: deadlineSchedulingProjection,
    hooks: (d) => d.deadlines && deadlineSchedulingHooks(d.deadlines),
  },
  { projection: portalSyncProjection, hooks: (d) => d.portalPushes && portalSyncHooks(d.portalPushes) },
];

export const ALL_PROJECTIONS: readonly AnyProjection[] = PROJECTION_REGISTRY.map((r) => r.projection);

/** By `name` or `name.vN`. */
export const findProjection = (name: string): AnyProjection | undefined =>
  ALL_PROJECTIONS.find((p) => p.name === name || projectionId(p) === name);

/** A projection with the hooks bound to this process's adapters: what a runner runs. */
export type BoundProjection = Readonly<{ projection: AnyProjection; hooks: ProjectionHooks }>;

/** Binds one projection; throws when an adapter its hooks need is missing. */
export function bindProjection(projection: AnyProjection, deps: ProjectionDeps): BoundProjection {
  const entry = PROJECTION_REGISTRY.find((r) => r.projection === projection);
  if (!entry) return { projection, hooks: {} };
  const hooks = entry.hooks ? entry.hooks(deps) : {};
  if (!hooks) throw new Error(`${projectionId(projection)}: its effects need an adapter this process lacks`);
  return { projection, hooks };
}

/**
 * The projections (all, or `only`) this process can run with these adapters, bound; those whose hooks need
 * a missing adapter are left out (a worker without deadline jobs runs no deadline-scheduling.v1).
 */
export function bindProjections(deps: ProjectionDeps, only?: readonly AnyProjection[]): BoundProjection[] {
  const wanted = only ?? ALL_PROJECTIONS;
  const bound: BoundProjection[] = [];
  for (const projection of wanted) {
    const entry = PROJECTION_REGISTRY.find((r) => r.projection === projection);
    const hooks = entry?.hooks ? entry.hooks(deps) : {};
    if (hooks) bound.push({ projection, hooks });
  }
  return bound;
}
