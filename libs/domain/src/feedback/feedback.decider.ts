// The feedback decider: decide(command, state) → events, evolve(state, event), initialState(). The
// dossier's late-facts rule (core/timeline.ts) over the feedback step modules: a new step is inserted where
// it happened and accepted when it is legal there and everything after it stays legal; evolve replays only
// for a late fact. A recorded overdue that the new picture contradicts is retracted in the same decision.
import type { Instant } from '../calendar';
import { instantMs } from '../calendar/instant';
import { deciderOf } from '../core/decider-of';
import type { Decider } from '../core/event-sourcing.types';
import {
  appendToTimeline,
  isRepeatedStep,
  placeStep,
  sameFactsOf,
  replayTimeline,
  type Lifecycle,
  type TimelineReplay,
} from '../core/timeline';
import type {
  FeedbackCommand,
  FeedbackStepCommand,
  FlagFeedbackDueSoon,
  FlagFeedbackOverdue,
  ReceiveFeedback,
} from './feedback.commands';
import { feedbackDeadlines } from './feedback.deadlines';
import { feedbackError, requireFeedbackText as requireText } from './feedback.errors';
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
import { openHolding, violation, type Violation } from './steps/step';

/// Timeline

const SYSTEM_TYPES = new Set(['FeedbackDueSoon', 'FeedbackBecameOverdue', 'FeedbackOverdueRetracted']);
export const isFeedbackSystemEvent = (e: FeedbackEvent): boolean => SYSTEM_TYPES.has(e.type);

function applyEntry(v: FeedbackView, entry: FeedbackTimelineEntry): Violation | null {
  const e = entry.event;
  if (e.type === 'FeedbackReceived') {
    if (v.received !== null) return violation('FEEDBACK_ALREADY_RECEIVED', 'the item was already received');
    v.received = e.data;
    v.holdings.push(openHolding(e.data.unitId, e.data.receivedAt, entry.at, e.data.deadlines));
    return null;
  }
  if (v.received === null) return violation('FEEDBACK_NOT_FOUND', `${e.type} before the item was received`);
  return feedbackStepOfEvent(e.type)?.apply(v, e, entry.at) ?? null;
}

/** The item's lifecycle machine, for the shared timeline (core/timeline.ts). */
const FEEDBACK_LIFECYCLE: Lifecycle<FeedbackView, FeedbackEvent, Violation> = {
  empty: emptyFeedbackView,
  apply: applyEntry,
};

/** Replay the timeline (entries with `at ≤ untilMs`). */
export const replayFeedback = (
  timeline: readonly FeedbackTimelineEntry[],
  untilMs = Infinity,
): TimelineReplay<FeedbackView, FeedbackEvent, Violation> =>
  replayTimeline(FEEDBACK_LIFECYCLE, timeline, untilMs);

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

/** The state a lifecycle view stands for, with the timeline and the system's records. */
function stateOf(
  view: FeedbackView,
  timeline: readonly FeedbackTimelineEntry[],
  overdues: readonly FeedbackOverdueRecord[],
  dueSoon: Feedback['dueSoon'],
  eventCount: number,
): Feedback {
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

/** The lifecycle view at the end of the state's timeline, rebuilt from the state (what a replay of the whole
 * timeline would give), with holdings and lists of its own for a step's apply to change. */
function viewOf(f: Feedback): FeedbackView {
  return {
    received: f.timeline.find((e) => e.event.type === 'FeedbackReceived')!.event
      .data as FeedbackReceived['data'],
    holdings: f.holdings.map((h) => ({ ...h })),
    informationOpenSince: f.informationOpenSince,
    answer: f.answer,
    ratings: f.ratings.slice(),
    repeat: f.repeat,
  };
}

/** The state rebuilt by replaying its whole timeline (what evolve's no-replay path must equal). */
export const replayedFeedbackState = (f: Feedback): Feedback =>
  stateOf(replayFeedback(f.timeline).view, f.timeline, f.overdues, f.dueSoon, f.eventCount);

const sameKey = (
  a: Readonly<{ unitId: string; deadline: string; dueAt: Instant }>,
  b: Readonly<{ unitId: string; deadline: string; dueAt: Instant }>,
): boolean => a.unitId === b.unitId && a.deadline === b.deadline && instantMs(a.dueAt) === instantMs(b.dueAt);

/**
 * One event onto the state: a step recorded in occurredAt order is applied to the view the state stands for,
 * only a late fact replays the timeline (core/timeline.ts). The system's records touch only their lists.
 */
export function evolve(state: FeedbackState, event: FeedbackEvent): FeedbackState {
  if (state.status === 'none') {
    if (event.type !== 'FeedbackReceived') return state;
    const first = appendToTimeline(FEEDBACK_LIFECYCLE, [], event, 0, emptyFeedbackView);
    return stateOf(first.view, first.timeline, [], [], 1);
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
    default: {
      const next = appendToTimeline(FEEDBACK_LIFECYCLE, state.timeline, event, state.eventCount, () =>
        viewOf(state),
      );
      return stateOf(next.view, next.timeline, state.overdues, state.dueSoon, count);
    }
  }
}

const pickKey = (d: FeedbackBecameOverdue['data']) => ({
  unitId: d.unitId,
  deadline: d.deadline,
  dueAt: d.dueAt,
});

/// Facts comparison (a repeated command decides nothing)

export const sameFeedbackFacts = sameFactsOf<FeedbackEvent>(
  (type) => feedbackStepOfEvent(type)?.derivedKeys ?? [],
  ['occurredAt', 'receivedAt'],
);

/// Decide

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
  const repeated = isRepeatedStep(
    state.timeline,
    event,
    {
      occurredAt: command.data.occurredAt,
      now: command.data.now,
      receivedAt: state.receivedAt,
      subject: 'the item',
      once: step.once,
      same: sameFeedbackFacts,
    },
    feedbackError,
  );
  if (repeated) return []; // already recorded

  event = placeStep(
    FEEDBACK_LIFECYCLE,
    state.timeline,
    {
      event,
      seq: state.eventCount,
      occurredAt: command.data.occurredAt,
      ...(step.derivedKeys.length > 0
        ? { complete: (e: FeedbackEvent, before: FeedbackView) => step.complete(e, before) as FeedbackEvent }
        : {}),
    },
    feedbackError,
  );
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

export const feedbackDecider: Decider<FeedbackState, FeedbackCommand, FeedbackEvent> = deciderOf<
  FeedbackState,
  FeedbackCommand,
  FeedbackEvent
>()({
  commands: {
    receive: 'ReceiveFeedback',
    flagOverdue: 'FlagFeedbackOverdue',
    flagDueSoon: 'FlagFeedbackDueSoon',
  },
  initialState,
  evolve,
  receive,
  notFound: () => feedbackError('FEEDBACK_NOT_FOUND', 'the feedback item does not exist'),
  flagOverdue,
  flagDueSoon,
  recordStep,
});

export const decide = feedbackDecider.decide;
