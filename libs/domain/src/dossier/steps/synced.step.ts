import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { defineStep } from './step';

export type RecordSync = Command<'RecordSync', CommandMeta>;
export type DossierSynced = Event<'DossierSynced', { occurredAt: Instant }>;

/** Đồng bộ Cổng DVC quốc gia: the dossier pushed to the national portal (QĐ 766 group 1). */
export const syncedStep = defineStep<RecordSync, DossierSynced>()({
  type: 'synced',
  labels: { vi: 'Đồng bộ Cổng DVC quốc gia', en: 'synced' },
  fields: {},
  command: 'RecordSync',
  event: 'DossierSynced',
  toCommand: (_input, meta) => ({ type: 'RecordSync', data: meta }),
  toEvent: ({ data }) => ({ type: 'DossierSynced', data: { occurredAt: data.occurredAt } }),
  apply: (v, e) => {
    v.synced = true;
    v.lastSyncedAt = e.data.occurredAt;
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, syncedAt: first(facts.syncedAt, at) }),
});
