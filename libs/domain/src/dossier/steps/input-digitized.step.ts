import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { notBeforeFinish } from './lifecycle';
import { defineStep, optional } from './step';

export type RecordInputDigitized = Command<
  'RecordInputDigitized',
  CommandMeta & { reused?: boolean; fromPersonalStore?: boolean; documents?: readonly string[] }
>;
export type InputDigitized = Event<
  'InputDigitized',
  { occurredAt: Instant; reused: boolean; fromPersonalStore: boolean; documents?: readonly string[] }
>;

/** Số hóa đầu vào: the dossier's papers digitized, maybe reusing data already held (QĐ 766 group 6). */
export const inputDigitizedStep = defineStep<RecordInputDigitized, InputDigitized>()({
  type: 'input-digitized',
  labels: { vi: 'Số hóa đầu vào', en: 'input digitized' },
  fields: {
    reused: { kind: 'boolean', required: false },
    fromPersonalStore: { kind: 'boolean', required: false },
    documents: { kind: 'text-list', required: false, maxItems: 100, maxLength: 500 },
  },
  command: 'RecordInputDigitized',
  event: 'InputDigitized',
  toCommand: (input, meta) => ({
    type: 'RecordInputDigitized',
    data: {
      ...meta,
      ...optional('reused', input.reused),
      ...optional('fromPersonalStore', input.fromPersonalStore),
      ...optional('documents', input.documents),
    },
  }),
  toEvent: ({ data }) => ({
    type: 'InputDigitized',
    data: {
      occurredAt: data.occurredAt,
      reused: data.reused === true,
      fromPersonalStore: data.fromPersonalStore === true,
      ...optional('documents', data.documents),
    },
  }),
  apply: (v, e) => {
    v.inputDigitized = true;
    v.reusedData ||= e.data.reused;
    v.fromPersonalStore ||= e.data.fromPersonalStore;
    return notBeforeFinish(v, 'input digitization');
  },
  facts: (facts, e, at) => ({
    ...facts,
    digitizedAt: first(facts.digitizedAt, at),
    reusedAt: e.data.reused ? first(facts.reusedAt, at) : facts.reusedAt,
    personalStoreAt: e.data.fromPersonalStore ? first(facts.personalStoreAt, at) : facts.personalStoreAt,
  }),
});
