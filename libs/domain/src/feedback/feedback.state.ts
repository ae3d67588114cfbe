// The decider's state of one feedback item: what its decisions and its readers need, derived from the
// timeline (non-system events in occurredAt order) and the system's records.
import type { Instant } from '../calendar';
import type {
  FeedbackAbout,
  FeedbackChannel,
  FeedbackDeadlineKind,
  FeedbackDeadlines,
  FeedbackDueSoon,
  FeedbackEvent,
} from './feedback.events';
import type { TimelineEntry } from '../core/timeline';
import type { Holding } from './steps';

/** received: with the unit (maybe forwarded to it); awaiting-information: a request to the sender is open;
 * answered: waiting for publication; published, rejected, returned: finished. */
export type FeedbackStatus =
  'received' | 'awaiting-information' | 'answered' | 'published' | 'rejected' | 'returned';

export type FeedbackTimelineEntry = TimelineEntry<FeedbackEvent>;

/** The deadline the unit holding the item owes now: its answer, then the answer's publication. */
export type OwedDeadline = Readonly<{
  unitId: string;
  deadline: FeedbackDeadlineKind;
  dueAt: Instant;
  dueMs: number;
  /** Where the span to the deadline starts (the unit's receipt, or the answer): the ladder's 0 %. */
  fromMs: number;
}>;

export type FeedbackOverdueRecord = Readonly<{
  unitId: string;
  deadline: FeedbackDeadlineKind;
  dueAt: Instant;
  retracted: boolean;
}>;

export type Feedback = Readonly<{
  status: FeedbackStatus;
  id: string;
  /** The unit that first received it. */
  unitId: string;
  /** The unit holding it now (the last one it was forwarded to). */
  currentUnitId: string;
  receivedAt: Instant;
  channel: FeedbackChannel;
  about: FeedbackAbout;
  procedureCode: string | null;
  dossierCode: string | null;
  summary: string;
  calendarVersion: string;
  /** The current unit's deadlines. */
  deadlines: FeedbackDeadlines;
  publishBy: Instant | null;
  owed: OwedDeadline | null;
  holdings: readonly Holding[];
  informationOpenSince: Instant | null;
  answer: string | null;
  answeredAt: Instant | null;
  publishedAt: Instant | null;
  /** When it finished for the unit holding it last (null: still handled). */
  finishedAt: Instant | null;
  ratings: readonly { satisfied: boolean; occurredAt: Instant }[];
  repeat: { of: string; occurredAt: Instant } | null;
  /** A recorded overdue not retracted. */
  overdue: boolean;
  overdues: readonly FeedbackOverdueRecord[];
  dueSoon: readonly FeedbackDueSoon['data'][];
  timeline: readonly FeedbackTimelineEntry[];
  eventCount: number;
}>;

export type FeedbackState = Readonly<{ status: 'none' }> | Feedback;

export const isFeedback = (s: FeedbackState): s is Feedback => s.status !== 'none';
