import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { finish, notBeforeFinish } from './lifecycle';
import { defineStep, REASON, requireText } from './step';

export type StopDossier = Command<'StopDossier', CommandMeta & { reason: string }>;
export type DossierStopped = Event<'DossierStopped', { occurredAt: Instant; reason: string }>;

/** Dừng xử lý: the office stops the dossier; it is finished. */
export const stoppedStep = defineStep<StopDossier, DossierStopped>()({
  type: 'stopped',
  labels: { vi: 'Dừng xử lý', en: 'stopped' },
  fields: { reason: REASON },
  command: 'StopDossier',
  event: 'DossierStopped',
  toCommand: (input, meta) => ({ type: 'StopDossier', data: { ...meta, reason: input.reason } }),
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    return { type: 'DossierStopped', data: { occurredAt: data.occurredAt, reason: data.reason } };
  },
  once: 'DOSSIER_FINISHED',
  finishes: 'stopped',
  apply: (v, e, entry) => {
    const blocked = notBeforeFinish(v, 'stop');
    if (blocked) return blocked;
    v.phase = 'stopped';
    finish(v, 'stopped', e.data.occurredAt, entry.at);
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, finishedAt: first(facts.finishedAt, at) }),
});
