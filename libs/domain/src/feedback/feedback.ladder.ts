// The feedback's rungs on the deadline ladder, as the dossier's (deadlines/deadline-ladder.ts): due soon at
// 50 % and 75 % of the working time from the unit's receipt (or the answer) to the deadline owed, overdue at
// the deadline. And the alerts an item has open, derived from its state alone.
import { instantMs } from '../calendar/instant';
import { workingDayTable } from '../calendar/working-time';
import type { WorkingCalendar } from '../calendar';
import {
  DEFAULT_LADDER,
  type DeadlineInstant,
  type DeadlinePlan,
  type LadderPolicy,
} from '../deadlines/deadline-ladder';
import type { DeadlineAlert } from '../deadlines/open-alerts';
import { owedAt } from './feedback.decider';
import type { Feedback, FeedbackState, OwedDeadline } from './feedback.state';

const keyOf = (o: Pick<OwedDeadline, 'unitId' | 'deadline' | 'dueMs'>) =>
  `${o.unitId}|${o.deadline}|${o.dueMs}`;

/** Deadlines still owed when they passed, met late since (the owed deadline moved on), whose overdue is not
 * recorded (a job lost, or run after the step): their overdue rung is still due. */
function missedOverdues(state: Feedback, nowOwed: OwedDeadline | null): DeadlineInstant[] {
  const recorded = new Set(state.overdues.map((o) => keyOf({ ...o, dueMs: instantMs(o.dueAt) })));
  const rungs: DeadlineInstant[] = [];
  for (const h of state.holdings) {
    for (const dueAt of [h.deadlines.answerBy, ...(h.publishBy ? [h.publishBy] : [])]) {
      const dueMs = instantMs(dueAt);
      const owed = owedAt(state, dueMs);
      if (!owed || owed.dueMs !== dueMs || owed.unitId !== h.unitId) continue; // met in time
      if ((nowOwed && keyOf(owed) === keyOf(nowOwed)) || recorded.has(keyOf(owed))) continue;
      rungs.push({ stage: 'overdue', atMs: dueMs, dueMs });
    }
  }
  return rungs;
}

/** The rungs still ahead of the item (those recorded for the owed deadline left out). */
export function feedbackDeadlineLadder(
  state: FeedbackState,
  calendar: WorkingCalendar,
  ladder: LadderPolicy = DEFAULT_LADDER,
): DeadlineInstant[] {
  if (state.status === 'none') return [];
  const owed = state.owed;
  const rungs = missedOverdues(state, owed);
  if (owed && !state.overdues.some((o) => keyOf({ ...o, dueMs: instantMs(o.dueAt) }) === keyOf(owed))) {
    const days = workingDayTable(calendar);
    const total = days.between(owed.fromMs, owed.dueMs);
    for (const stage of ['due-soon-50', 'due-soon-75'] as const) {
      const share = ladder.dueSoon[stage];
      if (share === null || share === undefined) continue;
      if (
        state.dueSoon.some(
          (d) =>
            d.stage === stage &&
            d.deadline === owed.deadline &&
            instantMs(d.dueAt) === owed.dueMs &&
            d.unitId === owed.unitId,
        )
      )
        continue;
      const atMs = days.add(owed.fromMs, Math.round(total * share));
      if (atMs < owed.dueMs) rungs.push({ stage, atMs, dueMs: owed.dueMs });
    }
    rungs.push({ stage: 'overdue', atMs: owed.dueMs, dueMs: owed.dueMs });
  }
  return rungs.sort((a, b) => a.atMs - b.atMs);
}

/** The next rung to schedule and the overdue rung to index for the sweep (the earliest). */
export function feedbackDeadlinePlan(
  state: FeedbackState,
  calendar: WorkingCalendar,
  ladder: LadderPolicy = DEFAULT_LADDER,
): DeadlinePlan {
  const rungs = feedbackDeadlineLadder(state, calendar, ladder);
  return { next: rungs[0] ?? null, overdue: rungs.find((r) => r.stage === 'overdue') ?? null };
}

/** The alerts an item has open: an overdue while it stands (per unit and deadline), else the due-soon
 * stages recorded for the deadline owed now. `code` is the item's id; `subject` says it is feedback. */
export function openFeedbackAlerts(state: FeedbackState): DeadlineAlert[] {
  if (state.status === 'none') return [];
  const base = {
    code: state.id,
    unitId: state.unitId,
    currentUnitId: state.currentUnitId,
    procedureCode: state.procedureCode ?? '',
    subject: 'feedback' as const,
  };
  const live = state.overdues.filter((o) => !o.retracted);
  const owed = state.owed;
  // An overdue holds until the step is taken: a late answer closes the answer's overdue alert.
  const open = live.filter(
    (o) => owed !== null && keyOf({ ...o, dueMs: instantMs(o.dueAt) }) === keyOf(owed),
  );
  if (open.length) {
    return open.map((o) => ({
      id: `overdue-feedback-${state.id}-${o.deadline}-${instantMs(o.dueAt)}`,
      kind: 'overdue' as const,
      dueAt: o.dueAt,
      raisedAt: o.dueAt,
      ...base,
    }));
  }
  if (!owed) return [];
  const seen = new Set<string>();
  return state.dueSoon
    .filter(
      (d) => d.unitId === owed.unitId && d.deadline === owed.deadline && instantMs(d.dueAt) === owed.dueMs,
    )
    .map((d) => ({
      id: `${d.stage}-feedback-${state.id}-${d.deadline}-${owed.dueMs}`,
      kind: d.stage,
      dueAt: d.dueAt,
      raisedAt: d.occurredAt,
      ...base,
    }))
    .filter((a) => !seen.has(a.id) && seen.add(a.id) !== undefined);
}
