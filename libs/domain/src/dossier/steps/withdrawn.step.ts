import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { finish, notBeforeFinish } from './lifecycle';
import { defineStep, OPTIONAL_REASON, optional } from './step';

export type WithdrawDossier = Command<'WithdrawDossier', CommandMeta & { reason?: string }>;
export type DossierWithdrawn = Event<'DossierWithdrawn', { occurredAt: Instant; reason?: string }>;

/** Công dân rút hồ sơ: the citizen withdraws; the dossier is finished. */
export const withdrawnStep = defineStep<WithdrawDossier, DossierWithdrawn>()({
  type: 'withdrawn',
  labels: { vi: 'Công dân rút hồ sơ', en: 'withdrawn' },
  fields: { reason: OPTIONAL_REASON },
  command: 'WithdrawDossier',
  event: 'DossierWithdrawn',
  toCommand: (input, meta) => ({
    type: 'WithdrawDossier',
    data: { ...meta, ...optional('reason', input.reason) },
  }),
  toEvent: ({ data }) => ({
    type: 'DossierWithdrawn',
    data: { occurredAt: data.occurredAt, ...optional('reason', data.reason) },
  }),
  once: 'DOSSIER_FINISHED',
  finishes: 'withdrawn',
  apply: (v, e, entry) => {
    const blocked = notBeforeFinish(v, 'withdrawal');
    if (blocked) return blocked;
    v.phase = 'withdrawn';
    finish(v, 'withdrawn', e.data.occurredAt, entry.at);
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, finishedAt: first(facts.finishedAt, at) }),
});
