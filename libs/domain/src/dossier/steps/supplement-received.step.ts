import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { insertSorted } from './facts-fold';
import { notBeforeFinish, openRound, violation } from './lifecycle';
import { defineStep } from './step';

export type ReceiveSupplement = Command<'ReceiveSupplement', CommandMeta>;
export type SupplementReceived = Event<'SupplementReceived', { occurredAt: Instant }>;

/** Nhận hồ sơ bổ sung: closes the open supplement round. */
export const supplementReceivedStep = defineStep<ReceiveSupplement, SupplementReceived>()({
  type: 'supplement-received',
  labels: { vi: 'Nhận hồ sơ bổ sung', en: 'supplement received' },
  fields: {},
  command: 'ReceiveSupplement',
  event: 'SupplementReceived',
  toCommand: (_input, meta) => ({ type: 'ReceiveSupplement', data: meta }),
  toEvent: ({ data }) => ({ type: 'SupplementReceived', data: { occurredAt: data.occurredAt } }),
  apply: (v, e, entry) => {
    const blocked = notBeforeFinish(v, 'supplement receipt');
    const open = openRound(v);
    if (open) {
      v.rounds[v.rounds.length - 1] = { ...open, receivedAt: e.data.occurredAt, rec: entry.at };
    }
    if (blocked) return blocked;
    return open ? null : violation('NO_OPEN_SUPPLEMENT', 'no supplement request is open');
  },
  facts: (facts, _e, at) => ({
    ...facts,
    supplementReceivedAt: insertSorted(facts.supplementReceivedAt, at),
  }),
});
