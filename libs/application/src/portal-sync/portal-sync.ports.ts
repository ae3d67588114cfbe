// The outbox's outside world: the portal's gateway, the queue of pushes, the failed pushes an admin sees.
// Adapters in libs/infrastructure/src/portal.

/** The gateway's answer to a call (research/dvcqg-sync.md): `error_code` 0/"0"/"00" is success. */
export type GatewayAnswer = Readonly<{ error_code: string; message: string }>;

/** A call the gateway refused or did not answer (a 500, a timeout, an error code): retried with backoff. */
export class PortalPushError extends Error {
  override name = 'PortalPushError';
  constructor(
    message: string,
    readonly answer?: GatewayAnswer,
  ) {
    super(message);
  }
}

export const PORTAL_GATEWAY = Symbol('PORTAL_GATEWAY');
/** One session per gateway client; a call refused for its session logs in again and is sent once more. */
export interface PortalGateway {
  /** `DongBoHoSoMC`: the whole dossier. Answers the portal's answer, success or "đã tồn tại" (exists). */
  syncDossier(item: Record<string, unknown>, isUpdating: boolean): Promise<GatewayAnswer>;
  /** `CapNhatTienDoHoSoMC`: one step. */
  updateProgress(item: Record<string, unknown>): Promise<GatewayAnswer>;
}

/** A queued push: bring the portal up to `revision` of the dossier's stream (every earlier push first). */
export type PortalPushJob = Readonly<{ id: string; code: string; unitId: string; revision: number }>;

export const PORTAL_PUSH_QUEUE = Symbol('PORTAL_PUSH_QUEUE');
export interface PortalPushQueue {
  /** Adds the jobs; an id already queued, running, failed or recently done is not added again. */
  enqueue(jobs: readonly PortalPushJob[]): Promise<void>;
  /** Queues the dossier's pushes once more after they failed (a new job id). */
  resend(code: string, unitId: string, revision: number): Promise<string>;
}

/** A push that failed every attempt: listed for admins until it is resent or a later push gets through. */
export type PortalSyncFailure = Readonly<{
  code: string;
  unitId: string;
  pushId: string;
  error: string;
  attempts: number;
  failedAt: string;
}>;

export const PORTAL_SYNC_FAILURES = Symbol('PORTAL_SYNC_FAILURES');
export interface PortalSyncFailures {
  record(failure: PortalSyncFailure): Promise<void>;
  clear(code: string): Promise<void>;
  list(): Promise<PortalSyncFailure[]>;
  get(code: string): Promise<PortalSyncFailure | undefined>;
}

/** Whether this deployment pushes to the portal (NATIONAL_PORTAL_* set): then `synced` is the system's. */
export const PORTAL_SYNC_ENABLED = Symbol('PORTAL_SYNC_ENABLED');
