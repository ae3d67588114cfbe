import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { insertSorted } from './facts-fold';
import { notBeforeFinish, openRound, violation } from './lifecycle';
import { defineStep, REASON, requireText } from './step';

export type RequestSupplement = Command<'RequestSupplement', CommandMeta & { reason: string }>;
export type SupplementRequested = Event<'SupplementRequested', { occurredAt: Instant; reason: string }>;

/** Yêu cầu bổ sung (Mẫu 02): opens a supplement round; the first one stops the deadline clock. */
export const supplementRequestedStep = defineStep<RequestSupplement, SupplementRequested>()({
  type: 'supplement-requested',
  labels: { vi: 'Yêu cầu bổ sung', en: 'supplement requested' },
  fields: { reason: REASON },
  command: 'RequestSupplement',
  event: 'SupplementRequested',
  toCommand: (input, meta) => ({ type: 'RequestSupplement', data: { ...meta, reason: input.reason } }),
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    return { type: 'SupplementRequested', data: { occurredAt: data.occurredAt, reason: data.reason } };
  },
  apply: (v, e, entry) => {
    const blocked = notBeforeFinish(v, 'supplement request');
    const open = openRound(v);
    if (!open) {
      v.rounds.push({
        requestedAt: e.data.occurredAt,
        reason: e.data.reason,
        receivedAt: null,
        req: entry.at,
        rec: null,
      });
    }
    if (blocked) return blocked;
    return open
      ? violation('SUPPLEMENT_ALREADY_OPEN', `a supplement request is open since ${open.requestedAt}`)
      : null;
  },
  facts: (facts, _e, at) => ({
    ...facts,
    supplementRequestedAt: insertSorted(facts.supplementRequestedAt, at),
  }),
});
