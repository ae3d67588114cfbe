import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { first } from './facts-fold';
import { AMOUNT, defineStep, positiveAmount } from './step';

export type RequestPayment = Command<'RequestPayment', CommandMeta & { amount: number }>;
export type PaymentRequested = Event<'PaymentRequested', { occurredAt: Instant; amount: number }>;

/** Yêu cầu thanh toán: a fee asked after receipt; the dossier then has a fee. */
export const paymentRequestedStep = defineStep<RequestPayment, PaymentRequested>()({
  type: 'payment-requested',
  labels: { vi: 'Yêu cầu thanh toán', en: 'payment requested' },
  fields: { amount: AMOUNT },
  command: 'RequestPayment',
  event: 'PaymentRequested',
  toCommand: (input, meta) => ({ type: 'RequestPayment', data: { ...meta, amount: input.amount } }),
  toEvent: ({ data }) => ({
    type: 'PaymentRequested',
    data: { occurredAt: data.occurredAt, amount: positiveAmount(data.amount) },
  }),
  apply: (v, e) => {
    v.paymentRequestedAmount += e.data.amount;
    return null;
  },
  facts: (facts, e, at) => (e.data.amount > 0 ? { ...facts, feeAt: first(facts.feeAt, at) } : facts),
});
