import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { violation } from './lifecycle';
import { defineStep } from './step';
import { checkPush, type PortalPush } from './synced.step';

export type RecordStatusSync = Command<'RecordStatusSync', CommandMeta & { push: PortalPush }>;
/** The system: a later push to the national portal was accepted (after the first, DossierSynced). */
export type DossierStatusSynced = Event<'DossierStatusSynced', { occurredAt: Instant; push: PortalPush }>;

/** Cập nhật tiến độ lên Cổng DVC quốc gia: recorded by the portal outbox only (not an API step type). */
export const statusSyncedStep = defineStep<RecordStatusSync, DossierStatusSynced>()({
  type: 'status-synced',
  labels: { vi: 'Cập nhật tiến độ lên Cổng DVC quốc gia', en: 'status synced' },
  fields: {},
  form: false,
  system: true,
  command: 'RecordStatusSync',
  event: 'DossierStatusSynced',
  toCommand: (_input, meta) => {
    throw new Error(`status-synced is recorded by the system, not from input (${meta.occurredAt})`);
  },
  toEvent: ({ data }) => ({
    type: 'DossierStatusSynced',
    data: { occurredAt: data.occurredAt, push: data.push },
  }),
  check: ({ data }, { state }) =>
    checkPush(
      data.push,
      data.actor?.role,
      state.timeline.map((e) => e.event),
    ),
  apply: (v, e) => {
    const first = !v.synced;
    v.lastSyncedAt = e.data.occurredAt;
    return first ? violation('STEP_OUT_OF_ORDER', 'a status push before the dossier was first synced') : null;
  },
});
