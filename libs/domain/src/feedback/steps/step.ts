// What every feedback step module declares, as the dossier's step modules do (dossier/steps/step.ts): its
// input fields (plain data the API builds its validation from), the command it becomes, the event it
// records, the lifecycle rule it applies, its labels. The decider, the timeline, the facts and the pages
// read the modules; adding a step is one new module plus its tests.
import type { Instant, WorkingCalendar } from '../../calendar';
import type { Actor, Command, Event } from '../../core/event-sourcing.types';
import {
  readInput,
  type FieldSpecs,
  type InputOf,
  type StepInput,
  type StepLabels,
} from '../../dossier/steps/step';
import type { FeedbackErrorCode } from '../feedback.errors';
import type { FeedbackDeadlines, FeedbackReceived } from '../feedback.events';

export type FeedbackCommandMeta = { occurredAt: Instant; now: Instant; actor: Actor };

/** Where the item ends for the unit holding it. */
export type HoldingEnd = 'rejected' | 'returned' | 'forwarded' | 'published';

/** One unit's time with the item: from its receipt (or the forwarding to it) to the step that ends it. */
export type Holding = {
  unitId: string;
  from: Instant;
  fromMs: number;
  deadlines: FeedbackDeadlines;
  /** The first request for more information made while this unit held the item. */
  firstInformationRequestAt: Instant | null;
  answeredAt: Instant | null;
  publishBy: Instant | null;
  publishedAt: Instant | null;
  endedBy: HoldingEnd | null;
  endedAt: Instant | null;
};

/** The lifecycle as it stands after some prefix of the timeline (occurredAt order). */
export type FeedbackView = {
  received: FeedbackReceived['data'] | null;
  /** Every unit's holding in order; the last is the unit holding the item now. */
  holdings: Holding[];
  informationOpenSince: Instant | null;
  answer: string | null;
  ratings: { satisfied: boolean; occurredAt: Instant }[];
  repeat: { of: string; occurredAt: Instant } | null;
};

export type Violation = Readonly<{ code: FeedbackErrorCode; message: string }>;
export const violation = (code: FeedbackErrorCode, message: string): Violation => ({ code, message });

export const emptyFeedbackView = (): FeedbackView => ({
  received: null,
  holdings: [],
  informationOpenSince: null,
  answer: null,
  ratings: [],
  repeat: null,
});

export const currentHolding = (v: FeedbackView): Holding | null => v.holdings[v.holdings.length - 1] ?? null;

/** What blocks a step the unit takes while it still handles the item (null: nothing). */
export function notAfterEnd(h: Holding, what: string): Violation | null {
  if (h.endedBy !== null) {
    return violation('FEEDBACK_FINISHED', `${what}: the item was ${h.endedBy} at ${h.endedAt}`);
  }
  return null;
}

/** What blocks rejecting, returning or forwarding: an answer already given, or the end. */
export function notAfterAnswer(h: Holding, what: string): Violation | null {
  return (
    notAfterEnd(h, what) ??
    (h.answeredAt !== null
      ? violation('ALREADY_ANSWERED', `${what}: the item was answered at ${h.answeredAt}`)
      : null)
  );
}

/** A unit's holding from its receipt of the item (or the forwarding to it), nothing done yet. */
export const openHolding = (
  unitId: string,
  from: Instant,
  fromMs: number,
  deadlines: FeedbackDeadlines,
): Holding => ({
  unitId,
  from,
  fromMs,
  deadlines,
  firstInformationRequestAt: null,
  answeredAt: null,
  publishBy: null,
  publishedAt: null,
  endedBy: null,
  endedAt: null,
});

export function endHolding(h: Holding, by: HoldingEnd, at: Instant): void {
  if (h.endedBy === null) {
    h.endedBy = by;
    h.endedAt = at;
  }
}

/** Outside facts a step's command needs (the decider reads no catalogue and no clock). */
export type FeedbackStepContext = Readonly<{ calendar?: WorkingCalendar }>;

export type FeedbackStepDefinition<
  T extends string,
  F extends FieldSpecs,
  C extends Command,
  E extends Event & { data: { occurredAt: Instant } },
> = Readonly<{
  type: T;
  labels: StepLabels;
  fields: F;
  /** Needs the working-day calendar (its event carries a deadline computed over it). */
  needsCalendar?: boolean;
  command: C['type'];
  event: E['type'];
  toCommand: (input: InputOf<F>, meta: FeedbackCommandMeta, context: FeedbackStepContext) => C;
  /** The event the command asks for, checked as the rules require, before any state is consulted. */
  toEvent: (command: C) => E;
  /** Recorded at most once: a different second one is refused with this code. */
  once?: FeedbackErrorCode;
  /** Event keys filled from the lifecycle (or computed over the calendar), ignored when telling a repeat. */
  derivedKeys?: readonly string[];
  complete?: (event: E, before: FeedbackView) => E;
  /** Apply the event to the lifecycle (always: a recorded event is a fact) and say whether it was legal
   * where it stands. Mutates `v`, which the replay owns. */
  apply: (v: FeedbackView, event: E, atMs: number) => Violation | null;
}>;

export type FeedbackStep<T extends string = string> = Readonly<{
  type: T;
  labels: StepLabels;
  fields: FieldSpecs;
  needsCalendar: boolean;
  command: string;
  event: string;
  once: FeedbackErrorCode | null;
  derivedKeys: readonly string[];
  toCommand: (input: StepInput, meta: FeedbackCommandMeta, context: FeedbackStepContext) => Command;
  toEvent: (command: Command) => Event & { data: { occurredAt: Instant } };
  complete: (event: Event, before: FeedbackView) => Event;
  apply: (v: FeedbackView, event: Event, atMs: number) => Violation | null;
}>;

/** Declare a step: `defineFeedbackStep<Command, Event>()({ ... })`. */
export const defineFeedbackStep =
  <C extends Command, E extends Event & { data: { occurredAt: Instant } }>() =>
  <const T extends string, const F extends FieldSpecs>(
    def: FeedbackStepDefinition<T, F, C, E>,
  ): FeedbackStep<T> => {
    const commandOf = (c: Command): C => {
      if (c.type !== def.command) throw new Error(`${def.type} does not handle ${c.type}`);
      return c as C;
    };
    const eventOf = (e: Event): E => {
      if (e.type !== def.event) throw new Error(`${def.type} does not record ${e.type}`);
      return e as E;
    };
    return {
      type: def.type,
      labels: def.labels,
      fields: def.fields,
      needsCalendar: def.needsCalendar ?? false,
      command: def.command,
      event: def.event,
      once: def.once ?? null,
      derivedKeys: def.derivedKeys ?? [],
      toCommand: (input, meta, context) => def.toCommand(readInput(def.fields, input), meta, context),
      toEvent: (command) => def.toEvent(commandOf(command)),
      complete: (event, before) => (def.complete ? def.complete(eventOf(event), before) : event),
      apply: (v, event, atMs) => def.apply(v, eventOf(event), atMs),
    };
  };

export { requireFeedbackText as requireText } from '../feedback.errors';

export const requireCalendar = (calendar: WorkingCalendar | undefined): WorkingCalendar => {
  if (!calendar) throw new Error('this feedback step needs the working-day calendar');
  return calendar;
};
