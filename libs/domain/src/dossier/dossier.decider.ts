// The dossier decider: decide(command, state) → events, evolve(state, event), initialState().
// Late facts: the state keeps the non-system events sorted by occurredAt (the timeline). A new step is
// inserted where it happened and the whole timeline is replayed through one lifecycle machine: the step is
// accepted when it is legal there and everything after it stays legal. A recorded overdue that the new
// picture contradicts is retracted in the same decision.
import { assertStepAllowed } from '../access/access.policy';
import { computeDueAt, type Instant } from '../calendar';
import { deciderOf } from '../core/decider-of';
import type { Decider } from '../core/event-sourcing.types';
import type { DossierCommand, FlagDueSoon, FlagOverdue, ReceiveDossier } from './dossier.commands';
import { dossierError } from './dossier.errors';
import type {
  DossierBecameOverdue,
  DossierEvent,
  DossierReceived,
  OverdueRetracted,
  OverdueRetractionReason,
} from './dossier.events';
import { IDENTIFIED_THROUGH } from './dossier.events';
import { effectiveDueMs, isOnTimeAt, isSuspendedMs } from './dossier.on-time';
import type { Dossier, DossierState, DueSoonRecord, OverdueRecord, TimelineEntry } from './dossier.state';
import { instantFromMs, instantMs } from '../calendar/instant';
import { appendToTimeline, isRepeatedStep, placeStep, sameFactsOf } from '../core/timeline';
import {
  DOSSIER_LIFECYCLE,
  emptyView,
  hasFee,
  openRound,
  replay,
  type LifecycleView,
} from './dossier.timeline';
import { stepOfCommand, stepOfEvent, type DossierStep } from './steps';
import { optional, requireText } from './steps/step';

/// State

export const initialState = (): DossierState => ({ status: 'none' });

/** The state a lifecycle view stands for, with the timeline and the system's records. Constant work apart
 * from the supplement rounds (a few at most). */
function stateOf(
  view: LifecycleView,
  timeline: readonly TimelineEntry[],
  overdues: readonly OverdueRecord[],
  dueSoon: readonly DueSoonRecord[],
  eventCount: number,
): Dossier {
  const r = view.received!;
  const dueMs = instantMs(r.dueAt, 'dueAt');
  const effMs = effectiveDueMs(dueMs, view.rounds);
  const supplements = view.rounds.map(({ requestedAt, reason, receivedAt }) => ({
    requestedAt,
    reason,
    receivedAt,
  }));
  const open = openRound(view);
  const liveOverdue = overdues.find((o) => !o.retracted) ?? null;
  return {
    status: view.phase === 'active' ? (open ? 'awaiting-supplement' : 'received') : view.phase,
    code: r.code,
    unitId: r.unitId,
    currentUnitId: view.currentUnitId,
    procedureCode: r.procedureCode,
    procedure: r.procedure,
    channel: r.channel,
    onlineLevel: r.onlineLevel ?? null,
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    rescheduledDueAt: view.apology?.newDueAt ?? null,
    effectiveDueAt: effMs === dueMs ? r.dueAt : instantFromMs(effMs),
    feeAmount: r.feeAmount,
    calendarVersion: r.calendarVersion,
    supplementRequests: view.rounds.length,
    openSupplement: open ? { requestedAt: open.requestedAt, reason: open.reason, receivedAt: null } : null,
    supplements,
    supplementMs: view.rounds.reduce((sum, x) => (x.rec === null ? sum : sum + (x.rec - x.req)), 0),
    overdue: liveOverdue !== null,
    overdueAt: liveOverdue?.dueAt ?? null,
    overdues,
    dueSoon,
    apology: view.apology,
    finishedAt: view.finishedAt,
    finishedBy: view.finishedBy,
    outcome: view.outcome,
    processedAt: view.processedAt,
    returnedAt: view.returnedAt,
    onTime:
      view.finishedAt === null
        ? null
        : isOnTimeAt({ dueAt: r.dueAt, finishedAt: view.finishedAt, supplements }, view.finishedAt),
    hasFee: hasFee(view),
    paymentRequestedAmount: view.paymentRequestedAmount,
    payments: view.payments,
    paidOnline: view.paidOnline,
    paidOffline: view.paidOffline,
    inputDigitized: view.inputDigitized,
    reusedData: view.reusedData,
    fromPersonalStore: view.fromPersonalStore,
    resultIssuedElectronically: view.resultIssuedElectronically,
    rating: view.rating,
    synced: view.synced,
    lastSyncedAt: view.lastSyncedAt,
    corrections: view.corrections,
    timeline,
    eventCount,
  };
}

/** The lifecycle view at the end of the state's timeline, rebuilt from the state in constant work (what a
 * replay of the whole timeline would give), with lists of its own for a step's apply to extend. */
function viewOf(d: Dossier): LifecycleView {
  return {
    received: {
      code: d.code,
      unitId: d.unitId,
      procedureCode: d.procedureCode,
      procedure: d.procedure,
      channel: d.channel,
      ...optional('onlineLevel', d.onlineLevel ?? undefined),
      receivedAt: d.receivedAt,
      dueAt: d.dueAt,
      feeAmount: d.feeAmount,
      calendarVersion: d.calendarVersion,
      occurredAt: d.receivedAt,
    },
    phase: d.status === 'received' || d.status === 'awaiting-supplement' ? 'active' : d.status,
    currentUnitId: d.currentUnitId,
    rounds: d.supplements.map((x) => ({
      ...x,
      req: instantMs(x.requestedAt, 'requestedAt'),
      rec: x.receivedAt === null ? null : instantMs(x.receivedAt, 'receivedAt'),
    })),
    finishedAt: d.finishedAt,
    finishedMs: d.finishedAt === null ? null : instantMs(d.finishedAt, 'finishedAt'),
    finishedBy: d.finishedBy,
    outcome: d.outcome,
    processedAt: d.processedAt,
    returnedAt: d.returnedAt,
    apology: d.apology,
    paymentRequestedAmount: d.paymentRequestedAmount,
    payments: d.payments,
    paidOnline: d.paidOnline,
    paidOffline: d.paidOffline,
    inputDigitized: d.inputDigitized,
    reusedData: d.reusedData,
    fromPersonalStore: d.fromPersonalStore,
    resultIssuedElectronically: d.resultIssuedElectronically,
    rating: d.rating,
    synced: d.synced,
    lastSyncedAt: d.lastSyncedAt,
    corrections: d.corrections,
  };
}

/**
 * One event onto the state, without replaying the timeline: a step recorded in occurredAt order (the usual
 * case) is applied to the view the state stands for; only a late fact (one that happened before the last
 * step) replays the timeline to find where it lands. The system's records touch only their own lists.
 */
export function evolve(state: DossierState, event: DossierEvent): DossierState {
  if (state.status === 'none') {
    // Nothing can hang on a dossier that was never received.
    if (event.type !== 'DossierReceived') return state;
    const first = appendToTimeline(DOSSIER_LIFECYCLE, [], event, 0, emptyView);
    return stateOf(first.view, first.timeline, [], [], 1);
  }
  const count = state.eventCount + 1;
  switch (event.type) {
    case 'DossierDueSoon':
      return { ...state, dueSoon: [...state.dueSoon, event.data], eventCount: count };
    case 'DossierBecameOverdue':
      return withOverdues(state, [...state.overdues, { dueAt: event.data.dueAt, retracted: false }], count);
    case 'OverdueRetracted': {
      const at = instantMs(event.data.dueAt, 'dueAt');
      const i = state.overdues.findIndex((o) => !o.retracted && instantMs(o.dueAt, 'dueAt') === at);
      const overdues =
        i < 0 ? state.overdues : state.overdues.map((o, j) => (j === i ? { ...o, retracted: true } : o));
      return withOverdues(state, overdues, count);
    }
    default: {
      const next = appendToTimeline(DOSSIER_LIFECYCLE, state.timeline, event, state.eventCount, () =>
        viewOf(state),
      );
      return stateOf(next.view, next.timeline, state.overdues, state.dueSoon, count);
    }
  }
}

/** The state rebuilt by replaying its whole timeline (what evolve's constant-work path must equal). */
export const replayedState = (d: Dossier): Dossier =>
  stateOf(replay(d.timeline).view, d.timeline, d.overdues, d.dueSoon, d.eventCount);

function withOverdues(state: Dossier, overdues: readonly OverdueRecord[], eventCount: number): Dossier {
  const live = overdues.find((o) => !o.retracted) ?? null;
  return { ...state, overdue: live !== null, overdueAt: live?.dueAt ?? null, overdues, eventCount };
}

/// Helpers over the timeline

/** Why an overdue recorded for instant T is wrong under the current timeline, or null when it holds. */
export function overdueInvalidity(state: Dossier, atMs: number): OverdueRetractionReason | null {
  const { view } = replay(state.timeline, atMs);
  if (view.finishedMs !== null) return 'finished-before-due';
  if (isSuspendedMs(view.rounds, atMs)) return 'deadline-suspended';
  if (effectiveDueMs(instantMs(state.dueAt, 'dueAt'), view.rounds, atMs) > atMs) return 'deadline-moved';
  return null;
}

/** The lifecycle as it stood at `atMs`, with the effective due instant then. */
export function dossierAt(state: Dossier, atMs: number): { view: LifecycleView; effectiveDueMs: number } {
  const { view } = replay(state.timeline, atMs);
  return { view, effectiveDueMs: effectiveDueMs(instantMs(state.dueAt, 'dueAt'), view.rounds, atMs) };
}

const formatDue = (state: Dossier, ms: number): Instant =>
  ms === instantMs(state.dueAt, 'dueAt') ? state.dueAt : instantFromMs(ms);

/// Facts comparison (a repeated command decides nothing)

export const sameFacts = sameFactsOf<DossierEvent>(
  (type) => stepOfEvent(type)?.derivedKeys ?? [],
  ['occurredAt', 'receivedAt', 'dueAt', 'newDueAt'],
);

/// Decide

function receive(command: ReceiveDossier, state: DossierState): DossierEvent[] {
  const d = command.data;
  if (state.status !== 'none') {
    const recorded = state.timeline.find((e) => e.event.type === 'DossierReceived')!.event;
    // Without an upstream dueAt the due date and calendar version are derived, not stated: ignore them.
    const ignore = d.dueAt === undefined ? ['dueAt', 'calendarVersion'] : [];
    const asked = {
      type: 'DossierReceived',
      data: { ...receivedData(d, d.dueAt), occurredAt: d.occurredAt },
    };
    if (sameFacts(recorded, asked as DossierEvent, ignore)) return [];
    throw dossierError(
      'DOSSIER_ALREADY_RECEIVED',
      `dossier ${d.code} was already received with other facts`,
      {
        code: d.code,
      },
    );
  }
  requireText(d.code, 'code');
  requireText(d.unitId, 'unitId');
  requireText(d.procedureCode, 'procedureCode');
  const at = instantMs(d.occurredAt);
  const receivedMs = instantMs(d.receivedAt, 'receivedAt');
  if (receivedMs !== at) throw dossierError('RECEIVED_AT_MISMATCH', 'receivedAt must equal occurredAt');
  if (receivedMs > instantMs(d.now, 'now')) {
    throw dossierError('OCCURRED_IN_FUTURE', 'receivedAt lies after the recording time', { now: d.now });
  }
  if (d.channel === 'online') {
    if (!d.onlineLevel) throw dossierError('ONLINE_LEVEL_REQUIRED', 'an online dossier needs onlineLevel');
    const offered = d.procedure.onlineLevel;
    if (offered === 'none' || (offered === 'partial' && d.onlineLevel === 'full')) {
      throw dossierError('ONLINE_LEVEL_NOT_OFFERED', `the procedure offers online level '${offered}'`, {
        offered,
        asked: d.onlineLevel,
      });
    }
  } else if (d.onlineLevel !== undefined) {
    throw dossierError('ONLINE_LEVEL_NOT_ALLOWED', 'onlineLevel applies to online dossiers only');
  }
  if (typeof d.feeAmount !== 'number' || !Number.isFinite(d.feeAmount) || d.feeAmount < 0) {
    throw dossierError('INVALID_AMOUNT', 'feeAmount must be a number ≥ 0', { feeAmount: d.feeAmount });
  }
  if (d.applicantKind !== undefined && d.applicantKind !== 'citizen' && d.applicantKind !== 'organisation') {
    throw dossierError('MISSING_FIELD', "applicantKind must be 'citizen' or 'organisation'", {
      field: 'applicantKind',
    });
  }
  if (d.identifiedThrough !== undefined && !IDENTIFIED_THROUGH.includes(d.identifiedThrough)) {
    throw dossierError('MISSING_FIELD', `identifiedThrough must be one of ${IDENTIFIED_THROUGH.join(', ')}`, {
      field: 'identifiedThrough',
    });
  }
  const dueAt = d.dueAt ?? computeDueAt(d.receivedAt, d.procedure.timeLimit, d.calendar);
  if (instantMs(dueAt, 'dueAt') <= receivedMs) {
    throw dossierError('DUE_NOT_AFTER_RECEIPT', 'dueAt must lie after receivedAt', { dueAt });
  }
  return [{ type: 'DossierReceived', data: receivedData(d, dueAt) }];
}

function receivedData(d: ReceiveDossier['data'], dueAt: Instant | undefined): DossierReceived['data'] {
  return {
    code: d.code,
    unitId: d.unitId,
    procedureCode: d.procedureCode,
    procedure: d.procedure,
    channel: d.channel,
    ...optional('onlineLevel', d.channel === 'online' ? d.onlineLevel : undefined),
    receivedAt: d.receivedAt,
    dueAt: dueAt as Instant,
    feeAmount: d.feeAmount,
    calendarVersion: d.calendarVersion,
    occurredAt: d.receivedAt,
    ...optional('applicantName', d.applicantName),
    ...optional('applicantKind', d.applicantKind),
    ...optional('summary', d.summary),
    ...optional('identifiedThrough', d.identifiedThrough),
  };
}

type StepCommand = Exclude<DossierCommand, ReceiveDossier | FlagDueSoon | FlagOverdue>;

/** The module of a step command (every non-receipt, non-system command has one). */
function stepOf(command: StepCommand): DossierStep {
  const step = stepOfCommand(command.type);
  if (!step) throw new Error(`no step module for ${command.type}`);
  return step;
}

/** Record one step: validate it where it happened, then retract what it disproves. */
function recordStep(command: StepCommand, state: Dossier): DossierEvent[] {
  const step = stepOf(command);
  assertStepAllowed(command.data.actor, step.type);
  let event: DossierEvent = step.toEvent(command);
  const at = instantMs(command.data.occurredAt);
  const once = step.once;
  const repeated = isRepeatedStep(
    state.timeline,
    event,
    {
      occurredAt: command.data.occurredAt,
      now: command.data.now,
      receivedAt: state.receivedAt,
      subject: 'the dossier',
      once,
      same: sameFacts,
    },
    dossierError,
  );
  if (repeated) return []; // already recorded
  if (once === 'DOSSIER_FINISHED' && (state.finishedBy === 'stopped' || state.finishedBy === 'withdrawn')) {
    throw dossierError('DOSSIER_FINISHED', `the dossier was ${state.finishedBy} at ${state.finishedAt}`);
  }

  event = placeStep(
    DOSSIER_LIFECYCLE,
    state.timeline,
    {
      event,
      seq: state.eventCount,
      occurredAt: command.data.occurredAt,
      ...(step.derivedKeys.length > 0 ? { complete: step.complete } : {}),
    },
    dossierError,
  );
  step.check(command, { state, atMs: at, dueThen: formatDue(state, dossierAt(state, at).effectiveDueMs) });

  const next = evolve(state, event) as Dossier;
  return [event, ...retractions(next, command.data.occurredAt)];
}

function retractions(state: Dossier, occurredAt: Instant): OverdueRetracted[] {
  return state.overdues.flatMap((o) => {
    if (o.retracted) return [];
    const why = overdueInvalidity(state, instantMs(o.dueAt, 'dueAt'));
    return why ? [{ type: 'OverdueRetracted' as const, data: { occurredAt, dueAt: o.dueAt, why } }] : [];
  });
}

/** The effective due instant at `now`, when the dossier is still running then (unfinished, clock not
 * stopped by an open first supplement), else null. */
function runningDueMs(state: Dossier, nowMs: number): number | null {
  const { view, effectiveDueMs: due } = dossierAt(state, nowMs);
  if (view.finishedMs !== null || isSuspendedMs(view.rounds, nowMs)) return null;
  return due;
}

function flagOverdue(command: FlagOverdue, state: Dossier): DossierBecameOverdue[] {
  const nowMs = instantMs(command.data.now, 'now');
  if (state.overdues.some((o) => !o.retracted)) return [];
  const due = runningDueMs(state, nowMs);
  if (due === null || due > nowMs) return [];
  if (command.data.dueAt !== undefined && instantMs(command.data.dueAt, 'dueAt') !== due) return []; // moved
  if (overdueInvalidity(state, due) !== null) return [];
  const at = formatDue(state, due);
  return [{ type: 'DossierBecameOverdue', data: { occurredAt: at, dueAt: at } }];
}

function flagDueSoon(command: FlagDueSoon, state: Dossier): DossierEvent[] {
  const nowMs = instantMs(command.data.now, 'now');
  const due = runningDueMs(state, nowMs);
  if (due === null || due <= nowMs) return [];
  if (command.data.dueAt !== undefined && instantMs(command.data.dueAt, 'dueAt') !== due) return []; // moved
  if (command.data.stage === 'apology-needed' && state.apology !== null) return [];
  if (state.dueSoon.some((d) => d.stage === command.data.stage && instantMs(d.dueAt, 'dueAt') === due))
    return [];
  return [
    {
      type: 'DossierDueSoon',
      data: { occurredAt: command.data.now, stage: command.data.stage, dueAt: formatDue(state, due) },
    },
  ];
}

export const dossierDecider: Decider<DossierState, DossierCommand, DossierEvent> = deciderOf<
  DossierState,
  DossierCommand,
  DossierEvent
>()({
  commands: { receive: 'ReceiveDossier', flagOverdue: 'FlagOverdue', flagDueSoon: 'FlagDueSoon' },
  initialState,
  evolve,
  receive,
  notFound: () => dossierError('DOSSIER_NOT_FOUND', 'the dossier does not exist'),
  flagOverdue,
  flagDueSoon,
  recordStep,
});

export const decide = dossierDecider.decide;
