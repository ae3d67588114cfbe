import {
  CAP_NHAT_TIEN_DO,
  DONG_BO_HO_SO,
  DomainError,
  dossierDecider,
  dossierStreamName,
  portalKnows,
  portalPayload,
  portalPushes,
  unitDecider,
  unitStreamName,
  type Actor,
  type DossierCommand,
  type DossierEvent,
  type DossierState,
  type PortalPush,
  type PortalStreamEvent,
  type UnitEvent,
} from '@tracker/domain';
import { handleCommand } from '../command-handling/handle-command';
import type { Clock } from '../ports/clock.port';
import type { EventStore } from '../ports/event-store.port';
import { PortalPushError, type GatewayAnswer, type PortalGateway } from './portal-sync.ports';

const SYSTEM: Actor = { subject: 'portal-sync', role: 'system' };

/** Success is error_code 0 ("0" or "00" in some versions). */
export const accepted = (a: GatewayAnswer): boolean =>
  Number(a.error_code) === 0 && /^\s*-?\d+\s*$/.test(a.error_code);
/** "đã tồn tại": the portal knows the dossier already; send it again as an update. */
export const alreadyExists = (a: GatewayAnswer): boolean =>
  /đã tồn tại|da ton tai|already exists/i.test(a.message);

export type SyncOutcome = Readonly<{ unitId: string | undefined; pushed: string[] }>;

/**
 * One job of the outbox: read the dossier's stream (the truth of what the portal accepted), push every push
 * not yet accepted (the job's own among them), in recording order, each as the dossier then its step, and record each
 * acceptance (the first as DossierSynced, later ones DossierStatusSynced) before the next push. A worker
 * killed between the portal's answer and the record pushes that push again on the retry (`isUpdating` makes
 * it an update) and records it once. The caller holds the dossier's lock: one job per dossier at a time.
 */
export class PortalSyncer {
  private readonly unitNames = new Map<string, string>();

  constructor(
    private readonly store: EventStore,
    private readonly gateway: PortalGateway,
    private readonly clock: Clock,
  ) {}

  async sync(code: string, _revision: number, onPushed?: (id: string) => void): Promise<SyncOutcome> {
    const read = await this.store.readStream<DossierEvent>(dossierStreamName(code));
    const events: PortalStreamEvent[] = read.events.map((r) => ({
      event: r.event,
      revision: r.revision,
      ...(r.metadata.actor ? { actor: r.metadata.actor } : {}),
    }));
    const received = events[0]?.event;
    const unitId = received?.type === 'DossierReceived' ? received.data.unitId : undefined;
    // Every pending push, the job's own and any recorded after it: one job brings the portal up to date and
    // the later jobs of the dossier find nothing left.
    const todo = portalPushes(code, events).filter((p) => !p.accepted);
    const pushed: string[] = [];
    if (unitId === undefined || todo.length === 0) return { unitId, pushed };
    const unitName = await this.unitName(unitId);
    let known = portalKnows(events);
    for (const p of todo) {
      const { dossier, step } = portalPayload(events, p.revision, { unitName });
      let answer = await this.gateway.syncDossier(dossier, known);
      if (!accepted(answer) && !known && alreadyExists(answer)) {
        answer = await this.gateway.syncDossier(dossier, true);
      }
      if (!accepted(answer)) {
        throw new PortalPushError(`${DONG_BO_HO_SO} ${p.id}: ${answer.error_code} ${answer.message}`, answer);
      }
      const stepAnswer = await this.gateway.updateProgress(step);
      if (!accepted(stepAnswer)) {
        throw new PortalPushError(
          `${CAP_NHAT_TIEN_DO} ${p.id}: ${stepAnswer.error_code} ${stepAnswer.message}`,
          stepAnswer,
        );
      }
      await this.record(code, {
        id: p.id,
        sent: [
          { service: DONG_BO_HO_SO, data: dossier, answer },
          { service: CAP_NHAT_TIEN_DO, data: step, answer: stepAnswer },
        ],
        answer,
      });
      known = true;
      pushed.push(p.id);
      onPushed?.(p.id);
    }
    return { unitId, pushed };
  }

  /** The acceptance, recorded once: a push already in the stream (a retry after a crash) records nothing. */
  private async record(code: string, push: PortalPush): Promise<void> {
    const now = this.clock.now().toISOString();
    const command = (state: DossierState): DossierCommand => {
      const meta = { occurredAt: now, now, actor: SYSTEM, push };
      const first =
        state.status === 'none' ||
        !state.timeline.some((e) => e.event.type === 'DossierSynced' && e.event.data.push !== undefined);
      return first ? { type: 'RecordSync', data: meta } : { type: 'RecordStatusSync', data: meta };
    };
    try {
      await handleCommand(this.store, dossierStreamName(code), dossierDecider, command, {
        actor: SYSTEM.subject,
        role: SYSTEM.role,
        correlationId: push.id,
        idempotencyScope: `portal:${push.id}`,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PUSH_ALREADY_RECORDED') return;
      throw error;
    }
  }

  private async unitName(unitId: string): Promise<string> {
    const known = this.unitNames.get(unitId);
    if (known !== undefined) return known;
    const read = await this.store.readStream<UnitEvent>(unitStreamName(unitId));
    const state = read.events.reduce((s, r) => unitDecider.evolve(s, r.event), unitDecider.initialState());
    const name = state.status === 'none' ? unitId : state.name;
    this.unitNames.set(unitId, name);
    return name;
  }
}
