import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import type { Instant } from '../../calendar';
import { notBeforeFinish, violation } from './lifecycle';
import { defineStep, OPTIONAL_REASON, optional, requireText } from './step';

export type TransferDossier = Command<'TransferDossier', CommandMeta & { toUnitId: string; reason?: string }>;
export type DossierTransferred = Event<
  'DossierTransferred',
  { occurredAt: Instant; fromUnitId: string; toUnitId: string; reason?: string }
>;

/** Chuyển xử lý: the dossier moves to another unit; it keeps counting for the receiving unit. */
export const transferredStep = defineStep<TransferDossier, DossierTransferred>()({
  type: 'transferred',
  labels: { vi: 'Chuyển xử lý', en: 'transferred' },
  fields: { toUnitId: { kind: 'unit-id', required: true }, reason: OPTIONAL_REASON },
  command: 'TransferDossier',
  event: 'DossierTransferred',
  toCommand: (input, meta) => ({
    type: 'TransferDossier',
    data: { ...meta, toUnitId: input.toUnitId, ...optional('reason', input.reason) },
  }),
  toEvent: ({ data }) => {
    requireText(data.toUnitId, 'toUnitId');
    return {
      type: 'DossierTransferred',
      data: {
        occurredAt: data.occurredAt,
        fromUnitId: '',
        toUnitId: data.toUnitId,
        ...optional('reason', data.reason),
      },
    };
  },
  // Where the dossier was when it moved, as the timeline says at that instant.
  derivedKeys: ['fromUnitId'],
  complete: (event, before) => ({ ...event, data: { ...event.data, fromUnitId: before.currentUnitId } }),
  apply: (v, e) => {
    const blocked = notBeforeFinish(v, 'transfer');
    const same = e.data.toUnitId === v.currentUnitId;
    v.currentUnitId = e.data.toUnitId;
    if (blocked) return blocked;
    return same
      ? violation('TRANSFER_TO_SAME_UNIT', `the dossier is already at unit ${e.data.toUnitId}`)
      : null;
  },
});
