import { ALL_PROJECTIONS, portalSyncProjection } from '@tracker/application';

/** The projections a worker runs: without NATIONAL_PORTAL_* the portal's outbox has none to run. */
export const runningProjections = (portalEnabled: boolean) =>
  ALL_PROJECTIONS.filter((p) => p !== portalSyncProjection || portalEnabled);
