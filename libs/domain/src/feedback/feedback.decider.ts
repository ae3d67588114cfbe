// The feedback decider: decide(command, state) → events, evolve(state, event), initialState(). The same
// late-facts rule as the dossier's (dossier.decider.ts): the state keeps the non-system events sorted by
// occurredAt, a new step is inserted where it happened and the timeline is replayed through the step
// modules; the step is accepted when it is legal there and everything after it stays legal. A recorded
// overdue that the new picture contradicts is retracted in the same decision.
import type { Instant } from '../calendar';
import { instantMs } from '../calendar/instant';
import type { Decider } from '../core/event-sourcing.types';
import type {
  FeedbackCommand,
  FeedbackStepCommand,
  FlagFeedbackDueSoon,
  FlagFeedbackOverdue,
  ReceiveFeedback,
} from './feedback.commands';
import { feedbackDeadlines } from './feedback.deadlines';
import { feedbackError } from './feedback.errors';
import {
  FEEDBACK_ABOUT,
  FEEDBACK_CHANNELS,
  type FeedbackBecameOverdue,
  type FeedbackEvent,
  type FeedbackOverdueRetracted,
  type FeedbackOverdueRetractionReason,
  type FeedbackReceived,
} from './feedback.events';
import type {
  Feedback,
  FeedbackOverdueRecord,
  FeedbackState,
  FeedbackStatus,
  FeedbackTimelineEntry,
  OwedDeadline,
} from './feedback.state';
import {
  currentHolding,
  emptyFeedbackView,
  feedbackStepOfCommand,
  feedbackStepOfEvent,
  type FeedbackView,
} from './steps';
import { violation, type Violation } from './steps/step';

/// Timeline

const SYSTEM_TYPES = new Set(['FeedbackDueSoon', 'FeedbackBecameOverdue', 'FeedbackOverdueRetracted']);
export const isFeedbackSystemEvent = (e: FeedbackEvent): boolean => SYSTEM_TYPES.has(e.type);

function applyEntry(v: FeedbackView, entry: FeedbackTimelineEntry): Violation | null {
  const e = entry.event;
  if (e.type === 'FeedbackReceived') {
    if (v.received !== null) return violation('FEEDBACK_ALREADY_RECEIVED', 'the item was already received');
    v.received = e.data;
    v.holdings.push({
      unitId: e.data.unitId,
      from: e.data.receivedAt,
      fromMs: entry.at,
      deadlines: e.data.deadlines,
      firstInformationRequestAt: null,
      answeredAt: null,
      publishBy: null,
      publishedAt: null,
      endedBy: null,
      endedAt: null,
    });
    return null;
  }
  if (v.received === null) return violation('FEEDBACK_NOT_FOUND', `${e.type} before the item was received`);
  return feedbackStepOfEvent(e.type)?.apply(v, e, entry.at) ?? null;
}

type Replay = {
  view: FeedbackView;
  violations: { index: number; entry: FeedbackTimelineEntry; violation: Violation }[];
};

/** Replay the timeline (entries with `at ≤ untilMs`). */
export function replayFeedback(timeline: readonly FeedbackTimelineEntry[], untilMs = Infinity): Replay {
  const view = emptyFeedbackView();
  const violations: Replay['violations'] = [];
  timeline.forEach((entry, index) => {
    if (entry.at > untilMs) return;
    const found = applyEntry(view, entry);
    if (found) violations.push({ index, entry, violation: found });
  });
  return { view, violations };
}

function insertionIndex(timeline: readonly FeedbackTimelineEntry[], at: number): number {
  let i = timeline.length;
  while (i > 0 && timeline[i - 1]!.at > at) i--;
  return i;
}

const entryOf = (event: FeedbackEvent, seq: number): FeedbackTimelineEntry => ({
  event,
  at: instantMs(event.data.occurredAt),
  seq,
});

function insertEntry(
  timeline: readonly FeedbackTimelineEntry[],
  entry: FeedbackTimelineEntry,
): FeedbackTimelineEntry[] {
  const out = timeline.slice();
  out.splice(insertionIndex(timeline, entry.at), 0, entry);
  return out;
}

/** The deadline the unit holding the item owes in this view (null: finished for it). */
export function owedDeadline(v: FeedbackView): OwedDeadline | null {
  const h = currentHolding(v);
  if (!h || h.endedBy !== null) return null;
  if (h.answeredAt === null) {
    const dueAt = h.deadlines.answerBy;
    return {
      unitId: h.unitId,
      deadline: 'answer',
      dueAt,
      dueMs: instantMs(dueAt, 'answerBy'),
      fromMs: h.fromMs,
    };
  }
  const dueAt = h.publishBy!;
  return {
    unitId: h.unitId,
    deadline: 'publish',
    dueAt,
    dueMs: instantMs(dueAt, 'publishBy'),
    fromMs: instantMs(h.answeredAt, 'answeredAt'),
  };
}

/// State

export const initialState = (): FeedbackState => ({ status: 'none' });

function statusOf(v: FeedbackView): FeedbackStatus {
  const h = currentHolding(v)!;
  if (h.endedBy === 'published' || h.endedBy === 'rejected' || h.endedBy === 'returned') return h.endedBy;
  if (h.answeredAt !== null) return 'answered';
  return v.informationOpenSince !== null ? 'awaiting-information' : 'received';
}

function derive(
  timeline: readonly FeedbackTimelineEntry[],
  overdues: readonly FeedbackOverdueRecord[],
  dueSoon: Feedback['dueSoon'],
  eventCount: number,
): Feedback {
  const { view } = replayFeedback(timeline);
  const r = view.received!;
  const h = currentHolding(view)!;
  return {
    status: statusOf(view),
    id: r.id,
    unitId: r.unitId,
    currentUnitId: h.unitId,
    receivedAt: r.receivedAt,
    channel: r.channel,
    about: r.about,
    procedureCode: r.procedureCode ?? null,
    dossierCode: r.dossierCode ?? null,
    summary: r.summary,
    calendarVersion: r.calendarVersion,
    deadlines: h.deadlines,
    publishBy: h.publishBy,
    owed: owedDeadline(view),
    holdings: view.holdings,
    informationOpenSince: view.informationOpenSince,
    answer: view.answer,
    answeredAt: h.answeredAt,
    publishedAt: h.publishedAt,
    finishedAt: h.endedAt,
    ratings: view.ratings,
    repeat: view.repeat,
    overdue: overdues.some((o) => !o.retracted),
    overdues,
    dueSoon,
    timeline,
    eventCount,
  };
}

const sameKey = (
  a: Readonly<{ unitId: string; deadline: string; dueAt: Instant }>,
  b: Readonly<{ unitId: string; deadline: string; dueAt: Instant }>,
): boolean => a.unitId === b.unitId && a.deadline === b.deadline && instantMs(a.dueAt) === instantMs(b.dueAt);

export function evolve(state: FeedbackState, event: FeedbackEvent): FeedbackState {
  if (state.status === 'none') {
    return event.type === 'FeedbackReceived' ? derive([entryOf(event, 0)], [], [], 1) : state;
  }
  const count = state.eventCount + 1;
  switch (event.type) {
    case 'FeedbackDueSoon':
      return { ...state, dueSoon: [...state.dueSoon, event.data], eventCount: count };
    case 'FeedbackBecameOverdue': {
      const overdues = [...state.overdues, { ...pickKey(event.data), retracted: false }];
      return { ...state, overdues, overdue: true, eventCount: count };
    }
    case 'FeedbackOverdueRetracted': {
      const i = state.overdues.findIndex((o) => !o.retracted && sameKey(o, event.data));
      const overdues =
        i < 0 ? state.overdues : state.overdues.map((o, j) => (j === i ? { ...o, retracted: true } : o));
      return { ...state, overdues, overdue: overdues.some((o) => !o.retracted), eventCount: count };
    }
    default:
      return derive(
        insertEntry(state.timeline, entryOf(event, state.eventCount)),
        state.overdues,
        state.dueSoon,
        count,
      );
  }
}

const pickKey = (d: FeedbackBecameOverdue['data']) => ({
  unitId: d.unitId,
  deadline: d.deadline,
  dueAt: d.dueAt,
});

/// Facts comparison (a repeated command decides nothing)

const INSTANT_KEYS = new Set(['occurredAt', 'receivedAt']);

const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

export function sameFeedbackFacts(
  recorded: FeedbackEvent,
  candidate: FeedbackEvent,
  ignore: readonly string[] = [],
): boolean {
  if (recorded.type !== candidate.type) return false;
  const skip = new Set([...(feedbackStepOfEvent(candidate.type)?.derivedKeys ?? []), ...ignore]);
  const a = recorded.data as Record<string, unknown>;
  const b = candidate.data as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => {
    if (skip.has(k)) return true;
    const x = a[k];
    const y = b[k];
    if (x === undefined || y === undefined) return x === y;
    if (INSTANT_KEYS.has(k) && typeof x === 'string' && typeof y === 'string')
      return Date.parse(x) === Date.parse(y);
    return stable(x) === stable(y);
  });
}

/// Decide

const requireText = (value: unknown, field: string): void => {
  if (typeof value !== 'string' || value.trim() === '') {
    throw feedbackError('MISSING_FIELD', `${field} is required`, { field });
  }
};

function receive(command: ReceiveFeedback, state: FeedbackState): FeedbackEvent[] {
  const d = command.data;
  if (state.status !== 'none') {
    const recorded = state.timeline.find((e) => e.event.type === 'FeedbackReceived')!.event;
    const asked = { type: 'FeedbackReceived', data: receivedData(d) } as FeedbackReceived;
    if (sameFeedbackFacts(recorded, asked, ['deadlines', 'calendarVersion'])) return [];
    throw feedbackError(
      'FEEDBACK_ALREADY_RECEIVED',
      `feedback ${d.id} was already received with other facts`,
      {
        id: d.id,
      },
    );
  }
  requireText(d.id, 'id');
  requireText(d.unitId, 'unitId');
  requireText(d.summary, 'summary');
  if (!(FEEDBACK_CHANNELS as readonly string[]).includes(d.channel)) {
    throw feedbackError('MISSING_FIELD', `channel must be one of ${FEEDBACK_CHANNELS.join(', ')}`, {
      field: 'channel',
    });
  }
  if (!(FEEDBACK_ABOUT as readonly string[]).includes(d.about)) {
    throw feedbackError('MISSING_FIELD', `about must be one of ${FEEDBACK_ABOUT.join(', ')}`, {
      field: 'about',
    });
  }
  if (d.about === 'procedure') requireText(d.procedureCode, 'procedureCode');
  if (d.about === 'dossier') requireText(d.dossierCode, 'dossierCode');
  const receivedMs = instantMs(d.receivedAt, 'receivedAt');
  if (receivedMs !== instantMs(d.occurredAt)) {
    throw feedbackError('RECEIVED_AT_MISMATCH', 'receivedAt must equal occurredAt');
  }
  if (receivedMs > instantMs(d.now, 'now')) {
    throw feedbackError('OCCURRED_IN_FUTURE', 'receivedAt lies after the recording time', { now: d.now });
  }
  return [{ type: 'FeedbackReceived', data: receivedData(d) }];
}

function receivedData(d: ReceiveFeedback['data']): FeedbackReceived['data'] {
  return {
    id: d.id,
    unitId: d.unitId,
    receivedAt: d.receivedAt,
    channel: d.channel,
    about: d.about,
    ...(d.procedureCode !== undefined ? { procedureCode: d.procedureCode } : {}),
    ...(d.dossierCode !== undefined ? { dossierCode: d.dossierCode } : {}),
    summary: d.summary,
    deadlines: feedbackDeadlines(d.receivedAt, d.calendar),
    calendarVersion: d.calendarVersion,
    occurredAt: d.receivedAt,
  };
}

function recordStep(command: FeedbackStepCommand, state: Feedback): FeedbackEvent[] {
  const step = feedbackStepOfCommand(command.type);
  if (!step) throw new Error(`no feedback step module for ${command.type}`);
  let event = step.toEvent(command) as FeedbackEvent;
  const at = instantMs(command.data.occurredAt);
  if (at > instantMs(command.data.now, 'now')) {
    throw feedbackError('OCCURRED_IN_FUTURE', 'occurredAt lies after the recording time', {
      occurredAt: command.data.occurredAt,
      now: command.data.now,
    });
  }
  if (at < instantMs(state.receivedAt, 'receivedAt')) {
    throw feedbackError('OCCURRED_BEFORE_RECEIPT', 'occurredAt lies before the item was received', {
      occurredAt: command.data.occurredAt,
      receivedAt: state.receivedAt,
    });
  }
  if (state.timeline.some((e) => sameFeedbackFacts(e.event, event))) return []; // a repeat
  const earlier = step.once && state.timeline.find((e) => e.event.type === event.type);
  if (step.once && earlier) {
    throw feedbackError(step.once, `${event.type} was already recorded with other facts`, {
      recorded: earlier.event.data,
    });
  }

  const index = insertionIndex(state.timeline, at);
  if (step.derivedKeys.length > 0) {
    event = step.complete(event, replayFeedback(state.timeline.slice(0, index)).view) as FeedbackEvent;
  }
  const entry = entryOf(event, state.eventCount);
  const timeline = insertEntry(state.timeline, entry);
  // Only what the new step breaks counts; a history imported with flaws is not the requester's fault.
  const flawedBefore = new Set(replayFeedback(state.timeline).violations.map((v) => v.entry.seq));
  const broken = replayFeedback(timeline).violations.find(
    (v) => v.index >= index && (v.entry.seq === entry.seq || !flawedBefore.has(v.entry.seq)),
  );
  if (broken && broken.entry.seq === entry.seq) {
    throw feedbackError(broken.violation.code, broken.violation.message);
  }
  if (broken) {
    throw feedbackError(
      'STEP_OUT_OF_ORDER',
      `${event.type} at ${command.data.occurredAt} does not fit before ${broken.entry.event.type} at ${broken.entry.event.data.occurredAt}: ${broken.violation.message}`,
      {
        conflictsWith: { type: broken.entry.event.type, occurredAt: broken.entry.event.data.occurredAt },
        cause: broken.violation.code,
      },
    );
  }
  const next = evolve(state, event) as Feedback;
  return [event, ...retractions(next, command.data.occurredAt)];
}

/** Why an overdue recorded for `o` is wrong under the current timeline, or null when it holds: as the item
 * stood at the deadline (steps at the deadline itself are in time), was that deadline still owed? */
export function feedbackOverdueInvalidity(
  state: Feedback,
  o: Pick<FeedbackOverdueRecord, 'unitId' | 'deadline' | 'dueAt'>,
): FeedbackOverdueRetractionReason | null {
  const owed = owedDeadline(replayFeedback(state.timeline, instantMs(o.dueAt, 'dueAt')).view);
  if (owed !== null && sameKey(owed, o)) return null;
  return owed === null || owed.unitId !== o.unitId ? 'finished-in-time' : 'step-taken-in-time';
}

function retractions(state: Feedback, occurredAt: Instant): FeedbackOverdueRetracted[] {
  return state.overdues.flatMap((o) => {
    if (o.retracted) return [];
    const why = feedbackOverdueInvalidity(state, o);
    return why
      ? [
          {
            type: 'FeedbackOverdueRetracted' as const,
            data: { occurredAt, unitId: o.unitId, deadline: o.deadline, dueAt: o.dueAt, why },
          },
        ]
      : [];
  });
}

/** The deadline owed at `atMs` as the timeline says then. */
export function owedAt(state: Feedback, atMs: number): OwedDeadline | null {
  return owedDeadline(replayFeedback(state.timeline, atMs).view);
}

function flagOverdue(command: FlagFeedbackOverdue, state: Feedback): FeedbackBecameOverdue[] {
  const nowMs = instantMs(command.data.now, 'now');
  const asked = command.data.dueAt === undefined ? null : instantMs(command.data.dueAt, 'dueAt');
  // Judged at the deadline itself: a step taken at it was in time, one taken after it does not undo it.
  const owed = asked === null ? owedAt(state, nowMs) : owedAt(state, asked);
  if (owed === null || owed.dueMs > nowMs) return [];
  if (asked !== null && owed.dueMs !== asked) return []; // the deadline moved since the job was planned
  if (state.overdues.some((o) => sameKey(o, owed))) return []; // recorded once
  return [
    {
      type: 'FeedbackBecameOverdue',
      data: { occurredAt: owed.dueAt, unitId: owed.unitId, deadline: owed.deadline, dueAt: owed.dueAt },
    },
  ];
}

function flagDueSoon(command: FlagFeedbackDueSoon, state: Feedback): FeedbackEvent[] {
  const nowMs = instantMs(command.data.now, 'now');
  const owed = state.owed;
  if (owed === null || owed.dueMs <= nowMs) return [];
  if (command.data.dueAt !== undefined && instantMs(command.data.dueAt, 'dueAt') !== owed.dueMs) return [];
  if (state.dueSoon.some((d) => d.stage === command.data.stage && sameKey(d, owed))) return [];
  return [
    {
      type: 'FeedbackDueSoon',
      data: {
        occurredAt: command.data.now,
        stage: command.data.stage,
        unitId: owed.unitId,
        deadline: owed.deadline,
        dueAt: owed.dueAt,
      },
    },
  ];
}

export function decide(command: FeedbackCommand, state: FeedbackState): FeedbackEvent[] {
  if (command.type === 'ReceiveFeedback') return receive(command, state);
  if (state.status === 'none') throw feedbackError('FEEDBACK_NOT_FOUND', 'the feedback item does not exist');
  switch (command.type) {
    case 'FlagFeedbackOverdue':
      return flagOverdue(command, state);
    case 'FlagFeedbackDueSoon':
      return flagDueSoon(command, state);
    default:
      return recordStep(command, state);
  }
}

export const feedbackDecider: Decider<FeedbackState, FeedbackCommand, FeedbackEvent> = {
  decide,
  evolve,
  initialState,
};
