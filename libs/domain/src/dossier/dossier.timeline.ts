// The lifecycle in occurredAt order. Both decide and evolve replay the timeline through this one machine:
// decide to find whether a (possibly late) step fits where it happened, evolve to derive the state. So the
// rules that refuse a step and the state a reader sees cannot drift apart.
import type { DossierEvent } from './dossier.events';
import type { TimelineEntry } from './dossier.state';
import { instantMs } from '../calendar/instant';
import { stepOfEvent } from './steps';
import { emptyView, violation, type LifecycleView, type Violation } from './steps/lifecycle';

export {
  emptyView,
  hasFee,
  openRound,
  type LifecycleView,
  type Phase,
  type Round,
  type Violation,
} from './steps/lifecycle';

/** Events the system records about time passing: they judge the lifecycle, they are not part of it. */
export type SystemEventType = 'DossierDueSoon' | 'DossierBecameOverdue' | 'OverdueRetracted';
export const isSystemEvent = (event: DossierEvent): boolean =>
  event.type === 'DossierDueSoon' ||
  event.type === 'DossierBecameOverdue' ||
  event.type === 'OverdueRetracted';

/** Facts that may still be recorded (in occurredAt) after the dossier finished. */
export const POST_FINISH_EVENT_TYPES: readonly DossierEvent['type'][] = [
  'ResultReturned',
  'ResultIssuedElectronically',
  'PaymentRequested',
  'PaidOnline',
  'PaidOffline',
  'SatisfactionRated',
  'DossierSynced',
  'DossierStatusSynced',
  'CorrectionRecorded',
  'OverdueRetracted',
];

/** Apply one timeline entry to the view (always: a recorded event is a fact) and say whether the step was
 * legal where it stands. The receipt is handled here; every step by its module. Mutates `v`, which the
 * caller owns. */
export function applyStep(v: LifecycleView, entry: TimelineEntry): Violation | null {
  const e = entry.event;
  if (e.type === 'DossierReceived') {
    if (v.received !== null) return violation('DOSSIER_ALREADY_RECEIVED', 'the dossier was already received');
    v.received = e.data;
    v.currentUnitId = e.data.unitId;
    return null;
  }
  if (v.received === null) return violation('DOSSIER_NOT_FOUND', `${e.type} before the dossier was received`);
  return stepOfEvent(e.type)?.apply(v, entry) ?? null; // the system's records change no lifecycle
}

export type ReplayResult = {
  view: LifecycleView;
  /** Illegal steps, by position in the timeline. */
  violations: { index: number; entry: TimelineEntry; violation: Violation }[];
};

/** Replay the timeline (entries with `at ≤ untilMs`). */
export function replay(timeline: readonly TimelineEntry[], untilMs = Infinity): ReplayResult {
  const view = emptyView();
  const violations: ReplayResult['violations'] = [];
  timeline.forEach((entry, index) => {
    if (entry.at > untilMs) return;
    const found = applyStep(view, entry);
    if (found) violations.push({ index, entry, violation: found });
  });
  return { view, violations };
}

/** Where an entry at `at` goes: after every entry at or before it (ties keep recording order). */
export function insertionIndex(timeline: readonly TimelineEntry[], at: number): number {
  let i = timeline.length;
  while (i > 0 && timeline[i - 1]!.at > at) i--;
  return i;
}

export function insertEntry(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const i = insertionIndex(timeline, entry.at);
  return [...timeline.slice(0, i), entry, ...timeline.slice(i)];
}

export const entryOf = (event: DossierEvent, seq: number): TimelineEntry => ({
  seq,
  at: instantMs(event.data.occurredAt),
  event,
});
