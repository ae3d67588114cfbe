// The lifecycle in occurredAt order. Both decide and evolve replay the timeline through this one machine:
// decide to find whether a (possibly late) step fits where it happened, evolve to derive the state. So the
// rules that refuse a step and the state a reader sees cannot drift apart.
import type { DossierEvent } from './dossier.events';
import type { TimelineEntry } from './dossier.state';
import { replayTimeline, type Lifecycle, type TimelineReplay } from '../core/timeline';
import { stepOfEvent } from './steps';
import { emptyView, violation, type LifecycleView, type Violation } from './steps/lifecycle';

export { entryOf, insertEntry, insertionIndex } from '../core/timeline';
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

/** The dossier's lifecycle machine, for the shared timeline (core/timeline.ts). */
export const DOSSIER_LIFECYCLE: Lifecycle<LifecycleView, DossierEvent, Violation> = {
  empty: emptyView,
  apply: applyStep,
};

export type ReplayResult = TimelineReplay<LifecycleView, DossierEvent, Violation>;

/** Replay the timeline (entries with `at ≤ untilMs`). */
export const replay = (timeline: readonly TimelineEntry[], untilMs = Infinity): ReplayResult =>
  replayTimeline(DOSSIER_LIFECYCLE, timeline, untilMs);
