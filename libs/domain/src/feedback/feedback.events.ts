// The feedback (PAKN) stream `feedback-{id}`: the storage contract (PRODUCT.md "Feedback stream"). Each
// step's event is declared by its module in ./steps; the receipt and the system's records here.
import type { Instant } from '../calendar';
import type { Event } from '../core/event-sourcing.types';
import type {
  FeedbackAnswered,
  FeedbackAnswerPublished,
  FeedbackForwarded,
  FeedbackInformationReceived,
  FeedbackInformationRequested,
  FeedbackMarkedRepeat,
  FeedbackRated,
  FeedbackRejected,
  FeedbackReturned,
} from './steps';

export const FEEDBACK_CHANNELS = [
  'national-portal',
  'provincial-portal',
  'in-person',
  'phone',
  'mail',
] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];
export const FEEDBACK_ABOUT = ['procedure', 'dossier', 'staff', 'other'] as const;
export type FeedbackAbout = (typeof FEEDBACK_ABOUT)[number];

/**
 * The deadlines of one unit's holding, each computed as a dossier's due date for that many working days
 * from the instant the unit received the item (SCORING.md "Feedback"): rejected, returned or forwarded ≤ 2;
 * the first request for more information ≤ 5; answered ≤ 15.
 */
export type FeedbackDeadlines = Readonly<{
  rejectOrForwardBy: Instant;
  informationRequestBy: Instant;
  answerBy: Instant;
}>;

export type FeedbackReceived = Event<
  'FeedbackReceived',
  {
    id: string;
    unitId: string;
    receivedAt: Instant;
    channel: FeedbackChannel;
    about: FeedbackAbout;
    procedureCode?: string;
    dossierCode?: string;
    summary: string;
    deadlines: FeedbackDeadlines;
    calendarVersion: string;
    occurredAt: Instant;
  }
>;

/** The deadline the ladder watches: the answer while none is recorded, then its publication. */
export type FeedbackDeadlineKind = 'answer' | 'publish';
export type FeedbackDueSoonStage = 'due-soon-50' | 'due-soon-75';

export type FeedbackDueSoon = Event<
  'FeedbackDueSoon',
  {
    occurredAt: Instant;
    stage: FeedbackDueSoonStage;
    unitId: string;
    deadline: FeedbackDeadlineKind;
    dueAt: Instant;
  }
>;
/** Recorded by the system when an owed deadline passes; once per unit, deadline and due instant. */
export type FeedbackBecameOverdue = Event<
  'FeedbackBecameOverdue',
  { occurredAt: Instant; unitId: string; deadline: FeedbackDeadlineKind; dueAt: Instant }
>;
/** A late fact showed the recorded overdue was wrong: the step was taken, or the item left the unit, in time. */
export type FeedbackOverdueRetractionReason = 'step-taken-in-time' | 'finished-in-time';
export type FeedbackOverdueRetracted = Event<
  'FeedbackOverdueRetracted',
  {
    occurredAt: Instant;
    unitId: string;
    deadline: FeedbackDeadlineKind;
    dueAt: Instant;
    why: FeedbackOverdueRetractionReason;
  }
>;

export type FeedbackEvent =
  | FeedbackReceived
  | FeedbackRejected
  | FeedbackReturned
  | FeedbackForwarded
  | FeedbackInformationRequested
  | FeedbackInformationReceived
  | FeedbackAnswered
  | FeedbackAnswerPublished
  | FeedbackRated
  | FeedbackMarkedRepeat
  | FeedbackDueSoon
  | FeedbackBecameOverdue
  | FeedbackOverdueRetracted;

export type FeedbackEventType = FeedbackEvent['type'];

export const FEEDBACK_SYSTEM_EVENT_TYPES = [
  'FeedbackDueSoon',
  'FeedbackBecameOverdue',
  'FeedbackOverdueRetracted',
] as const satisfies readonly FeedbackEventType[];

export const feedbackStreamName = (id: string): string => `feedback-${id}`;
