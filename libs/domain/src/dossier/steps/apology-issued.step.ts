import { latestApologyAt, type Instant, type WorkingCalendar } from '../../calendar';
import type { Command, Event } from '../../core/event-sourcing.types';
import type { CommandMeta } from '../dossier.commands';
import { dossierError } from '../dossier.errors';
import { instantMs } from '../../calendar/instant';
import { notBeforeFinish, violation } from './lifecycle';
import { defineStep, REASON, requireText } from './step';

export type IssueApology = Command<
  'IssueApology',
  CommandMeta & { reason: string; newDueAt: Instant; signedBy: string; calendar: WorkingCalendar }
>;
export type ApologyIssued = Event<
  'ApologyIssued',
  { occurredAt: Instant; reason: string; newDueAt: Instant; signedBy: string }
>;

/** Phiếu xin lỗi (Mẫu 04), signed by the head of the unit at the latest one working day before the due
 * date, with a new date. The score keeps judging against the original due date. */
export const apologyIssuedStep = defineStep<IssueApology, ApologyIssued>()({
  type: 'apology-issued',
  labels: { vi: 'Phiếu xin lỗi, hẹn lại', en: 'apology' },
  fields: {
    reason: REASON,
    newDueAt: { kind: 'instant', required: true },
    signedBy: { kind: 'text', required: true, maxLength: 200 },
  },
  // Judged against the calendar in force when the dossier was received.
  needs: ['calendar'],
  command: 'IssueApology',
  event: 'ApologyIssued',
  toCommand: (input, meta, { calendar }) => {
    if (!calendar) throw new Error('an apology is judged against the dossier calendar: none was given');
    return {
      type: 'IssueApology',
      data: { ...meta, reason: input.reason, newDueAt: input.newDueAt, signedBy: input.signedBy, calendar },
    };
  },
  toEvent: ({ data }) => {
    requireText(data.reason, 'reason');
    requireText(data.signedBy, 'signedBy');
    instantMs(data.newDueAt, 'newDueAt');
    return {
      type: 'ApologyIssued',
      data: {
        occurredAt: data.occurredAt,
        reason: data.reason,
        newDueAt: data.newDueAt,
        signedBy: data.signedBy,
      },
    };
  },
  once: 'APOLOGY_ALREADY_ISSUED',
  check: ({ data }, { atMs, dueThen }) => {
    const latest = latestApologyAt(dueThen, data.calendar);
    if (atMs > instantMs(latest, 'latestApologyAt')) {
      throw dossierError(
        'APOLOGY_TOO_LATE',
        `an apology is due at the latest one working day before ${dueThen}`,
        {
          dueAt: dueThen,
          latestApologyAt: latest,
        },
      );
    }
    if (instantMs(data.newDueAt, 'newDueAt') <= instantMs(dueThen, 'dueAt')) {
      throw dossierError('NEW_DUE_NOT_AFTER_DUE', 'the new due date must lie after the due date', {
        dueAt: dueThen,
        newDueAt: data.newDueAt,
      });
    }
  },
  apply: (v, e) => {
    if (v.apology !== null) {
      return violation('APOLOGY_ALREADY_ISSUED', `an apology was already issued at ${v.apology.occurredAt}`);
    }
    v.apology = e.data;
    return notBeforeFinish(v, 'apology');
  },
});
