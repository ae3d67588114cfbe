import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { dossierError } from '../dossier.errors';
import { first } from './facts-fold';
import { defineStep } from './step';

/**
 * An accepted push to the national portal, as the system records it (research/dvcqg-sync.md): the push's id
 * (`{code}@{revision}` of the event it carried, so a push is recorded once), what was sent (each service
 * call's data item) and the portal's answer.
 */
export type PortalPush = Readonly<{
  id: string;
  /** Each call: its service, its data item and the portal's answer to it. */
  sent: readonly Readonly<{ service: string; data: unknown; answer?: PortalAnswer }>[];
  /** The answer to the dossier's call (`DongBoHoSoMC`). */
  answer: PortalAnswer;
}>;
export type PortalAnswer = Readonly<{ error_code: string; message: string }>;

export type RecordSync = Command<'RecordSync', CommandMeta & { push?: PortalPush }>;
/** A clerk's record (no portal configured: no `push`), or the system's first accepted push. */
export type DossierSynced = Event<'DossierSynced', { occurredAt: Instant; push?: PortalPush }>;

/** A push is the system's to record, and only once. */
export function checkPush(
  push: PortalPush | undefined,
  role: string | undefined,
  recorded: readonly Event[],
) {
  if (push === undefined) return;
  if (role !== 'system') throw dossierError('SYSTEM_ONLY', 'only the system records a portal push');
  const again = recorded.some((e) => (e.data as { push?: PortalPush }).push?.id === push.id);
  if (again) throw dossierError('PUSH_ALREADY_RECORDED', `push ${push.id} was already recorded`);
}

/** Đồng bộ Cổng DVC quốc gia: the dossier pushed to the national portal (QĐ 766 group 1). */
export const syncedStep = defineStep<RecordSync, DossierSynced>()({
  type: 'synced',
  labels: { vi: 'Đồng bộ Cổng DVC quốc gia', en: 'synced' },
  fields: {},
  command: 'RecordSync',
  event: 'DossierSynced',
  toCommand: (_input, meta) => ({ type: 'RecordSync', data: meta }),
  toEvent: ({ data }) => ({
    type: 'DossierSynced',
    data: { occurredAt: data.occurredAt, ...(data.push ? { push: data.push } : {}) },
  }),
  check: ({ data }, { state }) =>
    checkPush(
      data.push,
      data.actor?.role,
      state.timeline.map((e) => e.event),
    ),
  apply: (v, e) => {
    v.synced = true;
    v.lastSyncedAt = e.data.occurredAt;
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, syncedAt: first(facts.syncedAt, at) }),
});
