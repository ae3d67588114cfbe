// The late-facts rule every aggregate with a lifecycle shares (dossier, feedback): the state keeps the
// non-system events sorted by occurredAt (the timeline) and replays it through the aggregate's lifecycle
// machine. A new step is inserted where it happened and accepted when it is legal there and everything after
// it stays legal; evolve applies a step recorded in occurredAt order to the view the state stands for and
// replays only for a late fact. Each aggregate brings its view, its apply and its error factory.
import { instantMs } from '../calendar/instant';

export type TimedEvent = Readonly<{ type: string; data: Readonly<{ occurredAt: string }> }>;

/** One recorded event at its occurredAt (epoch ms); `seq` is its position in the stream. */
export type TimelineEntry<E> = Readonly<{ seq: number; at: number; event: E }>;

export type StepViolation = Readonly<{ code: string; message: string }>;

/// Facts comparison (a repeated command decides nothing)

const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

/** The same type and the same facts, keys in `skip` aside (derived ones); instants compare as instants. */
export function sameEventFacts(
  recorded: TimedEvent,
  candidate: TimedEvent,
  skip: ReadonlySet<string>,
  instantKeys: ReadonlySet<string>,
): boolean {
  if (recorded.type !== candidate.type) return false;
  const a = recorded.data as Record<string, unknown>;
  const b = candidate.data as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => {
    if (skip.has(k)) return true;
    const x = a[k];
    const y = b[k];
    if (x === undefined || y === undefined) return x === y;
    if (instantKeys.has(k) && typeof x === 'string' && typeof y === 'string')
      return Date.parse(x) === Date.parse(y);
    return stable(x) === stable(y);
  });
}

/**
 * An aggregate's facts comparison: `sameEventFacts` with its instant keys, skipping the keys its step modules
 * derive from the lifecycle (and those a caller asks to `ignore`).
 */
export function sameFactsOf<E extends TimedEvent>(
  derivedKeys: (type: string) => readonly string[],
  instantKeys: readonly string[],
): (recorded: E, candidate: E, ignore?: readonly string[]) => boolean {
  const instants = new Set(instantKeys);
  return (recorded, candidate, ignore = []) =>
    sameEventFacts(recorded, candidate, new Set([...derivedKeys(candidate.type), ...ignore]), instants);
}

/** An aggregate's lifecycle machine: a fresh view and one entry applied to it (always, a recorded event is a
 * fact), saying whether the step was legal where it stands. `apply` mutates the view its caller owns. */
export type Lifecycle<V, E, X extends StepViolation> = Readonly<{
  empty: () => V;
  apply: (view: V, entry: TimelineEntry<E>) => X | null;
}>;

export type TimelineReplay<V, E, X> = {
  view: V;
  /** Illegal steps, by position in the timeline. */
  violations: { index: number; entry: TimelineEntry<E>; violation: X }[];
};

export const entryOf = <E extends TimedEvent>(event: E, seq: number): TimelineEntry<E> => ({
  seq,
  at: instantMs(event.data.occurredAt),
  event,
});

/** Where an entry at `at` goes: after every entry at or before it (ties keep recording order). */
export function insertionIndex(timeline: readonly TimelineEntry<unknown>[], at: number): number {
  let i = timeline.length;
  while (i > 0 && timeline[i - 1]!.at > at) i--;
  return i;
}

export function insertEntry<E>(
  timeline: readonly TimelineEntry<E>[],
  entry: TimelineEntry<E>,
): TimelineEntry<E>[] {
  const i = insertionIndex(timeline, entry.at);
  return [...timeline.slice(0, i), entry, ...timeline.slice(i)];
}

/** Replay the timeline (entries with `at ≤ untilMs`). */
export function replayTimeline<V, E, X extends StepViolation>(
  lifecycle: Lifecycle<V, E, X>,
  timeline: readonly TimelineEntry<E>[],
  untilMs = Infinity,
): TimelineReplay<V, E, X> {
  const view = lifecycle.empty();
  const violations: TimelineReplay<V, E, X>['violations'] = [];
  timeline.forEach((entry, index) => {
    if (entry.at > untilMs) return;
    const found = lifecycle.apply(view, entry);
    if (found) violations.push({ index, entry, violation: found });
  });
  return { view, violations };
}

/**
 * One non-system event onto a timeline, without replaying it when it comes in occurredAt order (the usual
 * case): it is applied to `current()`, the view the state stands for (a copy the caller may mutate). Only a
 * late fact (one that happened before the last step) replays the timeline to find where it lands.
 */
export function appendToTimeline<V, E extends TimedEvent, X extends StepViolation>(
  lifecycle: Lifecycle<V, E, X>,
  timeline: readonly TimelineEntry<E>[],
  event: E,
  seq: number,
  current: () => V,
): { view: V; timeline: TimelineEntry<E>[] } {
  const entry = entryOf(event, seq);
  const last = timeline[timeline.length - 1];
  if (last === undefined || last.at <= entry.at) {
    const view = timeline.length === 0 ? lifecycle.empty() : current();
    lifecycle.apply(view, entry);
    return { view, timeline: [...timeline, entry] };
  }
  const next = insertEntry(timeline, entry);
  return { view: replayTimeline(lifecycle, next).view, timeline: next };
}

/** The aggregate's error factory, for its violations' codes and STEP_OUT_OF_ORDER. */
export type StepRefusal<C extends string> = (
  code: C | 'STEP_OUT_OF_ORDER',
  message: string,
  details?: Record<string, unknown>,
) => Error;

type StepTimeCode = 'OCCURRED_IN_FUTURE' | 'OCCURRED_BEFORE_RECEIPT';

/**
 * What every recorded step passes before the late-facts check: it happened by the recording time and not
 * before the receipt; the same facts already recorded are a repeat (true: record nothing); a step recorded
 * at most once (`once`: the refusal's code) and already recorded with other facts is refused.
 */
export function isRepeatedStep<E extends TimedEvent, C extends string>(
  timeline: readonly TimelineEntry<E>[],
  event: E,
  s: Readonly<{
    occurredAt: string;
    now: string;
    receivedAt: string;
    /** "the dossier", "the item": who was received, for the messages. */
    subject: string;
    once: C | null;
    same: (recorded: E, candidate: E) => boolean;
  }>,
  refuse: NoInfer<(code: C | StepTimeCode, message: string, details?: Record<string, unknown>) => Error>,
): boolean {
  const { occurredAt } = s;
  const at = instantMs(occurredAt);
  if (at > instantMs(s.now, 'now')) {
    throw refuse('OCCURRED_IN_FUTURE', 'occurredAt lies after the recording time', {
      occurredAt,
      now: s.now,
    });
  }
  if (at < instantMs(s.receivedAt, 'receivedAt')) {
    throw refuse('OCCURRED_BEFORE_RECEIPT', `occurredAt lies before ${s.subject} was received`, {
      occurredAt,
      receivedAt: s.receivedAt,
    });
  }
  if (timeline.some((e) => s.same(e.event, event))) return true;
  const earlier = s.once !== null && timeline.find((e) => e.event.type === event.type);
  if (s.once !== null && earlier) {
    throw refuse(s.once, `${event.type} was already recorded with other facts`, {
      recorded: earlier.event.data,
    });
  }
  return false;
}

/**
 * The late-facts check of a new step: `complete` fills its derived keys from the lifecycle as it stood where
 * the step happened; the step is refused (through `refuse`) when it is illegal there, or when it breaks a
 * later step that was legal (STEP_OUT_OF_ORDER, naming it). Only what the new step breaks counts: a history
 * imported with flaws is not the requester's fault. Returns the event as completed.
 */
export function placeStep<V, E extends TimedEvent, X extends StepViolation>(
  lifecycle: Lifecycle<V, E, X>,
  timeline: readonly TimelineEntry<E>[],
  step: Readonly<{ event: E; seq: number; occurredAt: string; complete?: (event: E, before: V) => E }>,
  refuse: StepRefusal<X['code']>,
): E {
  const index = insertionIndex(timeline, instantMs(step.occurredAt));
  const event = step.complete
    ? step.complete(step.event, replayTimeline(lifecycle, timeline.slice(0, index)).view)
    : step.event;
  const entry = entryOf(event, step.seq);
  const flawedBefore = new Set(replayTimeline(lifecycle, timeline).violations.map((v) => v.entry.seq));
  const broken = replayTimeline(lifecycle, insertEntry(timeline, entry)).violations.find(
    (v) => v.index >= index && (v.entry.seq === entry.seq || !flawedBefore.has(v.entry.seq)),
  );
  if (broken && broken.entry.seq === entry.seq) throw refuse(broken.violation.code, broken.violation.message);
  if (broken) {
    const other = broken.entry.event;
    throw refuse(
      'STEP_OUT_OF_ORDER',
      `${event.type} at ${step.occurredAt} does not fit before ${other.type} at ${other.data.occurredAt}: ${broken.violation.message}`,
      {
        conflictsWith: { type: other.type, occurredAt: other.data.occurredAt },
        cause: broken.violation.code,
      },
    );
  }
  return event;
}
