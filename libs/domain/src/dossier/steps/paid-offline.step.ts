import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { hasFee, violation } from './lifecycle';
import { AMOUNT, defineStep, positiveAmount } from './step';

export type RecordOfflinePayment = Command<'RecordOfflinePayment', CommandMeta & { amount: number }>;
export type PaidOffline = Event<'PaidOffline', { occurredAt: Instant; amount: number }>;

/** Thanh toán trực tiếp: paid at the counter. */
export const paidOfflineStep = defineStep<RecordOfflinePayment, PaidOffline>()({
  type: 'paid-offline',
  labels: { vi: 'Thanh toán trực tiếp', en: 'paid offline' },
  fields: { amount: AMOUNT },
  command: 'RecordOfflinePayment',
  event: 'PaidOffline',
  toCommand: (input, meta) => ({ type: 'RecordOfflinePayment', data: { ...meta, amount: input.amount } }),
  toEvent: ({ data }) => ({
    type: 'PaidOffline',
    data: { occurredAt: data.occurredAt, amount: positiveAmount(data.amount) },
  }),
  apply: (v, e) => {
    const withoutFee = !hasFee(v);
    v.payments = [...v.payments, { kind: 'offline', amount: e.data.amount, occurredAt: e.data.occurredAt }];
    v.paidOffline = true;
    return withoutFee
      ? violation('PAYMENT_WITHOUT_FEE', 'the dossier has no fee (none at receipt, no payment requested)')
      : null;
  },
});
