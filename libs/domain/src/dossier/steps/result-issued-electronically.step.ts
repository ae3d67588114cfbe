import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { violation } from './lifecycle';
import { defineStep } from './step';

export type RecordElectronicResult = Command<'RecordElectronicResult', CommandMeta>;
export type ResultIssuedElectronically = Event<'ResultIssuedElectronically', { occurredAt: Instant }>;

/** Cấp kết quả điện tử: the result issued electronically, after processing. */
export const resultIssuedElectronicallyStep = defineStep<
  RecordElectronicResult,
  ResultIssuedElectronically
>()({
  type: 'result-issued-electronically',
  labels: { vi: 'Cấp kết quả điện tử', en: 'e-result' },
  fields: {},
  command: 'RecordElectronicResult',
  event: 'ResultIssuedElectronically',
  toCommand: (_input, meta) => ({ type: 'RecordElectronicResult', data: meta }),
  toEvent: ({ data }) => ({ type: 'ResultIssuedElectronically', data: { occurredAt: data.occurredAt } }),
  once: 'STEP_ALREADY_RECORDED',
  apply: (v) => {
    if (v.resultIssuedElectronically) {
      return violation('STEP_ALREADY_RECORDED', 'the result was already issued electronically');
    }
    if (v.phase === 'stopped' || v.phase === 'withdrawn') {
      return violation(
        'DOSSIER_FINISHED',
        `electronic result: the dossier was ${v.phase} at ${v.finishedAt}`,
      );
    }
    if (v.phase === 'active')
      return violation('STEP_OUT_OF_ORDER', 'a result cannot be issued before processing');
    v.resultIssuedElectronically = true;
    return null;
  },
  facts: (facts, _e, at) => ({ ...facts, eResultAt: first(facts.eResultAt, at) }),
});
