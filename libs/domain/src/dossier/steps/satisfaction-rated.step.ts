import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { dossierError } from '../dossier.errors';
import { insertRating } from './facts-fold';
import { violation } from './lifecycle';
import { defineStep } from './step';

export type RecordSatisfaction = Command<'RecordSatisfaction', CommandMeta & { satisfied: boolean }>;
export type SatisfactionRated = Event<'SatisfactionRated', { occurredAt: Instant; satisfied: boolean }>;

/** Đánh giá mức độ hài lòng: the citizen's rating, once a result exists; the latest counts. */
export const satisfactionRatedStep = defineStep<RecordSatisfaction, SatisfactionRated>()({
  type: 'satisfaction-rated',
  labels: { vi: 'Đánh giá mức độ hài lòng', en: 'rated' },
  fields: { satisfied: { kind: 'boolean', required: true } },
  command: 'RecordSatisfaction',
  event: 'SatisfactionRated',
  toCommand: (input, meta) => ({ type: 'RecordSatisfaction', data: { ...meta, satisfied: input.satisfied } }),
  toEvent: ({ data }) => {
    if (typeof data.satisfied !== 'boolean') {
      throw dossierError('MISSING_FIELD', 'satisfied must be true or false', { field: 'satisfied' });
    }
    return { type: 'SatisfactionRated', data: { occurredAt: data.occurredAt, satisfied: data.satisfied } };
  },
  apply: (v, e) => {
    const hasResult = v.returnedAt !== null || v.resultIssuedElectronically;
    v.rating = { satisfied: e.data.satisfied, occurredAt: e.data.occurredAt };
    return hasResult
      ? null
      : violation('RATING_BEFORE_RESULT', 'a rating needs a returned or electronic result');
  },
  facts: (facts, e, at) => ({
    ...facts,
    ratings: insertRating(facts.ratings, { at, satisfied: e.data.satisfied }),
  }),
});
