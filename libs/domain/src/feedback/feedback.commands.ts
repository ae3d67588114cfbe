// What a clerk or the system asks of a feedback item. `occurredAt` is what the requester states, `now` the
// recording instant, `calendar` the working-day calendar the deadlines are computed over. Each step's
// command is declared by its module in ./steps; the receipt and the system's commands here.
import type { Instant, WorkingCalendar } from '../calendar';
import type { Actor, Command } from '../core/event-sourcing.types';
import type { FeedbackAbout, FeedbackChannel, FeedbackDueSoonStage } from './feedback.events';
import type {
  AnswerFeedback,
  FeedbackCommandMeta,
  ForwardFeedback,
  MarkFeedbackRepeat,
  PublishFeedbackAnswer,
  RateFeedback,
  ReceiveFeedbackInformation,
  RejectFeedback,
  RequestFeedbackInformation,
  ReturnFeedback,
} from './steps';

export type ReceiveFeedback = Command<
  'ReceiveFeedback',
  FeedbackCommandMeta & {
    id: string;
    unitId: string;
    /** Must equal occurredAt. */
    receivedAt: Instant;
    channel: FeedbackChannel;
    about: FeedbackAbout;
    procedureCode?: string;
    dossierCode?: string;
    summary: string;
    calendar: WorkingCalendar;
    calendarVersion: string;
  }
>;

/** System (deadline job): records FeedbackDueSoon only if still true at `now`; `dueAt`, when given, is the
 * owed deadline the job was scheduled for (if it has changed since, nothing happens). */
export type FlagFeedbackDueSoon = Command<
  'FlagFeedbackDueSoon',
  { now: Instant; actor: Actor; stage: FeedbackDueSoonStage; dueAt?: Instant }
>;
/** System: records FeedbackBecameOverdue when the deadline owed at `dueAt` (default: the one owed now) has
 * passed unmet. Judged as the item stood at that deadline, so a job that runs late loses nothing. */
export type FlagFeedbackOverdue = Command<
  'FlagFeedbackOverdue',
  { now: Instant; actor: Actor; dueAt?: Instant }
>;

export type FeedbackStepCommand =
  | RejectFeedback
  | ReturnFeedback
  | ForwardFeedback
  | RequestFeedbackInformation
  | ReceiveFeedbackInformation
  | AnswerFeedback
  | PublishFeedbackAnswer
  | RateFeedback
  | MarkFeedbackRepeat;

export type FeedbackCommand =
  ReceiveFeedback | FlagFeedbackDueSoon | FlagFeedbackOverdue | FeedbackStepCommand;
