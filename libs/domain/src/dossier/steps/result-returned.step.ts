import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { finish, violation } from './lifecycle';
import { defineStep } from './step';

export type ReturnResult = Command<'ReturnResult', CommandMeta>;
export type ResultReturned = Event<'ResultReturned', { occurredAt: Instant }>;

/** Đã trả kết quả: the result handed to the citizen, after processing. */
export const resultReturnedStep = defineStep<ReturnResult, ResultReturned>()({
  type: 'result-returned',
  labels: { vi: 'Đã trả kết quả', en: 'result returned' },
  fields: {},
  command: 'ReturnResult',
  event: 'ResultReturned',
  toCommand: (_input, meta) => ({ type: 'ReturnResult', data: meta }),
  toEvent: ({ data }) => ({ type: 'ResultReturned', data: { occurredAt: data.occurredAt } }),
  once: 'STEP_ALREADY_RECORDED',
  finishes: 'returned',
  apply: (v, e, entry) => {
    if (v.phase === 'returned') {
      return violation('STEP_ALREADY_RECORDED', `the result was already returned at ${v.returnedAt}`);
    }
    if (v.phase === 'stopped' || v.phase === 'withdrawn') {
      return violation('DOSSIER_FINISHED', `result returned: the dossier was ${v.phase} at ${v.finishedAt}`);
    }
    if (v.phase === 'active')
      return violation('STEP_OUT_OF_ORDER', 'a result cannot be returned before processing');
    v.phase = 'returned';
    v.returnedAt = e.data.occurredAt;
    finish(v, 'returned', e.data.occurredAt, entry.at);
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, finishedAt: first(facts.finishedAt, at) }),
});
