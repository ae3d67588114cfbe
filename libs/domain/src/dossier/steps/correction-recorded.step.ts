import type { Instant } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { defineStep, REASON, requireText } from './step';

export type RecordCorrection = Command<
  'RecordCorrection',
  CommandMeta & { field: string; value: unknown; reason: string; approvedBy: string }
>;
/** Facts are never overwritten: a correction is recorded beside them. */
export type CorrectionRecorded = Event<
  'CorrectionRecorded',
  { occurredAt: Instant; field: string; value: unknown; reason: string; approvedBy: string }
>;

/** Đính chính: kept for the record; it changes no fact of scoring method v1 (its value is free JSON). */
export const correctionRecordedStep = defineStep<RecordCorrection, CorrectionRecorded>()({
  type: 'correction-recorded',
  labels: { vi: 'Đính chính', en: 'correction' },
  fields: {
    field: { kind: 'text', required: true, maxLength: 100 },
    reason: REASON,
    approvedBy: { kind: 'text', required: true, maxLength: 200 },
    value: { kind: 'json', required: true, maxBytes: 4096, maxDepth: 4 },
  },
  form: false,
  command: 'RecordCorrection',
  event: 'CorrectionRecorded',
  toCommand: (input, meta) => ({
    type: 'RecordCorrection',
    data: {
      ...meta,
      field: input.field,
      value: input.value,
      reason: input.reason,
      approvedBy: input.approvedBy,
    },
  }),
  toEvent: ({ data }) => {
    requireText(data.field, 'field');
    requireText(data.reason, 'reason');
    requireText(data.approvedBy, 'approvedBy');
    return {
      type: 'CorrectionRecorded',
      data: {
        occurredAt: data.occurredAt,
        field: data.field,
        value: data.value,
        reason: data.reason,
        approvedBy: data.approvedBy,
      },
    };
  },
  apply: (v, e) => {
    v.corrections = [...v.corrections, e.data];
    return null;
  },
});
