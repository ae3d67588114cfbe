import {
  FEEDBACK_OTHER_EVENT_LABELS,
  FEEDBACK_STEPS,
  evolveFeedback,
  feedbackStreamName,
  initialFeedbackState,
  instantMs,
  isFeedback,
  type Feedback,
  type FeedbackEvent,
  type FeedbackEventType,
  type FeedbackState,
  type FeedbackStatus,
} from '@tracker/domain';
import { dossierSortKey } from './dossier-list.projection';
import type { IndexEntry, Projection } from './projection';

/** What `GET /api/feedback` shows of an item. */
export type FeedbackListDoc = Readonly<{
  id: string;
  unitId: string;
  currentUnitId: string;
  /** Every unit that held it (each reads it). */
  heldBy: readonly string[];
  status: FeedbackStatus;
  channel: string;
  about: string;
  procedureCode: string | null;
  dossierCode: string | null;
  summary: string;
  receivedAt: string;
  /** The current unit's deadlines. */
  answerBy: string;
  publishBy: string | null;
  /** The deadline owed now (answer, then publication), or null once finished for the unit holding it. */
  owed: Readonly<{ deadline: string; dueAt: string }> | null;
  overdue: boolean;
  /** The latest due-soon stage recorded for the deadline owed now, if any. */
  alert: string | null;
  finishedAt: string | null;
  repeatOf: string | null;
  satisfied: boolean | null;
}>;

export const FEEDBACK_EVENT_TYPES: readonly FeedbackEventType[] = [
  ...(Object.keys(FEEDBACK_OTHER_EVENT_LABELS) as FeedbackEventType[]),
  ...FEEDBACK_STEPS.map((s) => s.event as FeedbackEventType),
];

const idOf = (streamName: string): string | undefined =>
  streamName.startsWith('feedback-') ? streamName.slice('feedback-'.length) : undefined;

/**
 * `feedback-list.v1`: one lean document per feedback item (FeedbackListDoc), folded with the feedback
 * decider's own evolve; the runner restores the state from the stream to fold the next event. Indexes, for
 * each scope `all` and `unit:<id>` (every unit that held it): `<scope>`, `<scope>:status:<status>`,
 * `<scope>:overdue`, `<scope>:alerted`, `<scope>:running` (score: the owed deadline, ms); members
 * `<receivedAt ms, 15 digits>|<id>` as the dossier list's.
 */
export const feedbackListProjection: Projection<FeedbackState, FeedbackEvent> = {
  name: 'feedback-list',
  version: 1,
  streamPrefixes: ['feedback-'],
  canHandle: FEEDBACK_EVENT_TYPES,
  documentId: (e) => idOf(e.streamName),
  initialState: () => initialFeedbackState(),
  evolve: (doc, e) => evolveFeedback(doc, e.event),
  indexes: (doc) => (isFeedback(doc) ? feedbackIndexes(doc) : []),
  view: (doc) => (isFeedback(doc) ? feedbackListDoc(doc) : null),
  streamOf: (id) => feedbackStreamName(id),
};

export const feedbackSortKey = (f: Pick<Feedback, 'receivedAt' | 'id'>): string =>
  dossierSortKey({ receivedAt: f.receivedAt, code: f.id });

const currentAlert = (f: Feedback): string | null => {
  const owed = f.owed;
  if (owed === null || f.overdue) return null;
  const alerts = f.dueSoon.filter(
    (a) => a.unitId === owed.unitId && a.deadline === owed.deadline && instantMs(a.dueAt) === owed.dueMs,
  );
  return alerts.length ? alerts[alerts.length - 1].stage : null;
};

export function feedbackListDoc(f: Feedback): FeedbackListDoc {
  const rating = f.ratings.length
    ? [...f.ratings].sort((a, b) => instantMs(a.occurredAt) - instantMs(b.occurredAt))
    : [];
  return {
    id: f.id,
    unitId: f.unitId,
    currentUnitId: f.currentUnitId,
    heldBy: [...new Set(f.holdings.map((h) => h.unitId))],
    status: f.status,
    channel: f.channel,
    about: f.about,
    procedureCode: f.procedureCode,
    dossierCode: f.dossierCode,
    summary: f.summary,
    receivedAt: f.receivedAt,
    answerBy: f.deadlines.answerBy,
    publishBy: f.publishBy,
    owed: f.owed ? { deadline: f.owed.deadline, dueAt: f.owed.dueAt } : null,
    overdue: f.overdue,
    alert: currentAlert(f),
    finishedAt: f.finishedAt,
    repeatOf: f.repeat?.of ?? null,
    satisfied: rating.length ? rating[rating.length - 1].satisfied : null,
  };
}

function feedbackIndexes(f: Feedback): IndexEntry[] {
  const member = feedbackSortKey(f);
  const entries: IndexEntry[] = [];
  const scopes = ['all', ...new Set(f.holdings.map((h) => `unit:${h.unitId}`))];
  for (const scope of scopes) {
    entries.push({ set: scope, score: 0, member });
    entries.push({ set: `${scope}:status:${f.status}`, score: 0, member });
    if (f.overdue) entries.push({ set: `${scope}:overdue`, score: 0, member });
    if (currentAlert(f) !== null) entries.push({ set: `${scope}:alerted`, score: 0, member });
    if (f.owed) entries.push({ set: `${scope}:running`, score: f.owed.dueMs, member });
  }
  return entries;
}
