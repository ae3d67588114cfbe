import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { dossierError } from '../dossier.errors';
import type { ProcessingOutcome } from '../dossier.events';
import { first } from './facts-fold';
import { finish, notBeforeFinish, openRound, violation } from './lifecycle';
import { defineStep } from './step';

export type RecordProcessing = Command<'RecordProcessing', CommandMeta & { outcome: ProcessingOutcome }>;
export type DossierProcessed = Event<'DossierProcessed', { occurredAt: Instant; outcome: ProcessingOutcome }>;

/** Đã xử lý xong: approved or denied; finishes the dossier (SCORING.md's end instant). */
export const processedStep = defineStep<RecordProcessing, DossierProcessed>()({
  type: 'processed',
  labels: { vi: 'Đã xử lý xong', en: 'processed' },
  fields: { outcome: { kind: 'enum', required: true, values: ['approved', 'denied'] } },
  command: 'RecordProcessing',
  event: 'DossierProcessed',
  toCommand: (input, meta) => ({ type: 'RecordProcessing', data: { ...meta, outcome: input.outcome } }),
  toEvent: ({ data }) => {
    if (data.outcome !== 'approved' && data.outcome !== 'denied') {
      throw dossierError('MISSING_FIELD', "outcome must be 'approved' or 'denied'", { field: 'outcome' });
    }
    return { type: 'DossierProcessed', data: { occurredAt: data.occurredAt, outcome: data.outcome } };
  },
  once: 'STEP_ALREADY_RECORDED',
  finishes: 'processed',
  apply: (v, e, entry) => {
    if (v.phase === 'processed' || v.phase === 'returned') {
      return violation('STEP_ALREADY_RECORDED', `the dossier was already processed at ${v.processedAt}`);
    }
    const blocked = notBeforeFinish(v, 'processing');
    const open = openRound(v);
    if (blocked) return blocked;
    v.phase = 'processed';
    v.outcome = e.data.outcome;
    v.processedAt = e.data.occurredAt;
    finish(v, 'processed', e.data.occurredAt, entry.at);
    return open
      ? violation('SUPPLEMENT_OPEN', `a supplement request is open since ${open.requestedAt}`)
      : null;
  },
  facts: (facts, _e, at) => ({ ...facts, finishedAt: first(facts.finishedAt, at) }),
});
