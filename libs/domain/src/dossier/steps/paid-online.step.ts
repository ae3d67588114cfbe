import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { dossierError } from '../dossier.errors';
import type { PaymentGateway } from '../dossier.events';
import { first } from './facts-fold';
import { hasFee, violation } from './lifecycle';
import { AMOUNT, defineStep, positiveAmount } from './step';

export type RecordOnlinePayment = Command<
  'RecordOnlinePayment',
  CommandMeta & { amount: number; gateway: PaymentGateway }
>;
export type PaidOnline = Event<
  'PaidOnline',
  { occurredAt: Instant; amount: number; gateway: PaymentGateway }
>;

/** Thanh toán trực tuyến: paid through the national or the provincial gateway (QĐ 766 group 4). */
export const paidOnlineStep = defineStep<RecordOnlinePayment, PaidOnline>()({
  type: 'paid-online',
  labels: { vi: 'Thanh toán trực tuyến', en: 'paid online' },
  fields: { amount: AMOUNT, gateway: { kind: 'enum', required: true, values: ['national', 'provincial'] } },
  command: 'RecordOnlinePayment',
  event: 'PaidOnline',
  toCommand: (input, meta) => ({
    type: 'RecordOnlinePayment',
    data: { ...meta, amount: input.amount, gateway: input.gateway },
  }),
  toEvent: ({ data }) => {
    if (data.gateway !== 'national' && data.gateway !== 'provincial') {
      throw dossierError('MISSING_FIELD', "gateway must be 'national' or 'provincial'", { field: 'gateway' });
    }
    return {
      type: 'PaidOnline',
      data: { occurredAt: data.occurredAt, amount: positiveAmount(data.amount), gateway: data.gateway },
    };
  },
  apply: (v, e) => {
    const withoutFee = !hasFee(v);
    v.payments = [
      ...v.payments,
      { kind: 'online', amount: e.data.amount, gateway: e.data.gateway, occurredAt: e.data.occurredAt },
    ];
    v.paidOnline = true;
    return withoutFee
      ? violation('PAYMENT_WITHOUT_FEE', 'the dossier has no fee (none at receipt, no payment requested)')
      : null;
  },
  facts: (facts, _e, at) => ({ ...facts, paidOnlineAt: first(facts.paidOnlineAt, at) }),
});
