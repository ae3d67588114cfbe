// What every dossier step module declares, and the one helper that turns a declaration into the shape the
// edge, the handler, the decider, the timeline and the facts fold read. Field specs are plain data: apps/api
// builds its class-validator rules from them, the domain checks a step's input against them once more.
import type { Instant, WorkingCalendar } from '../../calendar';
import type { DossierFacts } from '../../scoring/dossier-facts';
import type { CommandMeta, DossierCommand } from '../dossier.commands';
import { dossierError, type DossierErrorCode } from '../dossier.errors';
import type { DossierEvent } from '../dossier.events';
import type { Dossier, FinishingStep, TimelineEntry } from '../dossier.state';
import type { LifecycleView, Violation } from './lifecycle';

/** One input field of a step, as plain data. `required: false` fields may be left out. */
export type FieldSpec =
  | Readonly<{ kind: 'text'; required: boolean; maxLength: number }>
  | Readonly<{ kind: 'unit-id'; required: boolean }>
  | Readonly<{ kind: 'enum'; required: boolean; values: readonly string[] }>
  | Readonly<{ kind: 'instant'; required: boolean }>
  | Readonly<{ kind: 'boolean'; required: boolean }>
  /** An integer in [min, max] (VND). */
  | Readonly<{ kind: 'amount'; required: boolean; min: number; max: number }>
  | Readonly<{ kind: 'text-list'; required: boolean; maxItems: number; maxLength: number }>
  /** Any JSON value (a correction's new value). */
  | Readonly<{ kind: 'json'; required: boolean; maxBytes: number; maxDepth: number }>;

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

type ValueOf<S extends FieldSpec> = S extends { kind: 'text' | 'unit-id' | 'instant' }
  ? string
  : S extends { kind: 'enum'; values: readonly (infer V)[] }
    ? V
    : S extends { kind: 'boolean' }
      ? boolean
      : S extends { kind: 'amount' }
        ? number
        : S extends { kind: 'text-list' }
          ? readonly string[]
          : unknown;

/** The typed input a step's fields describe (required fields present, optional ones maybe). */
export type InputOf<F extends FieldSpecs> = {
  readonly [K in keyof F as F[K]['required'] extends true ? K : never]: ValueOf<F[K]>;
} & { readonly [K in keyof F as F[K]['required'] extends true ? never : K]?: ValueOf<F[K]> };

/** A step as `POST /api/dossiers/{code}/events` carries it: type, occurredAt and the type's fields. */
export type StepInput = Readonly<{ type: string; occurredAt: string } & Record<string, unknown>>;

export type StepLabels = Readonly<{ vi: string; en: string }>;

/** Outside facts a step's command needs, fetched by the handler (the decider reads no catalogue). */
export type StepNeed = 'calendar';
export type StepContext = Readonly<{ calendar?: WorkingCalendar }>;

/** Recorded at most once: a different second one is refused with this code. */
export type OnceRule = Extract<
  DossierErrorCode,
  'STEP_ALREADY_RECORDED' | 'APOLOGY_ALREADY_ISSUED' | 'DOSSIER_FINISHED'
>;

/** What a step's own check sees when the step is recorded (after the order of steps was found legal). */
export type StepCheck = Readonly<{
  state: Dossier;
  atMs: number;
  /** The effective due instant as it stood at atMs. */
  dueThen: Instant;
}>;

type StepCommandOf<C> = C extends DossierCommand ? C : never;

export type StepDefinition<
  T extends string,
  F extends FieldSpecs,
  C extends DossierCommand,
  E extends DossierEvent,
> = Readonly<{
  type: T;
  labels: StepLabels;
  fields: F;
  /** Shown on the clerk form (a correction's free JSON value is recorded through the API only). */
  form?: boolean;
  /** Recorded by the system only (the portal outbox): not a type the API accepts. */
  system?: boolean;
  needs?: readonly StepNeed[];
  command: C['type'];
  event: E['type'];
  toCommand: (input: InputOf<F>, meta: CommandMeta, context: StepContext) => C;
  /** The event the command asks for, checked as the rules require, before any state is consulted. */
  toEvent: (command: C) => E;
  once?: OnceRule;
  /** The finishing step this one is (the first by occurredAt ends the dossier). */
  finishes?: FinishingStep;
  /** Event keys the decider fills from the state, ignored when telling a repeat from a new fact. */
  derivedKeys?: readonly string[];
  /** Fill the derived keys from the lifecycle just before the step. */
  complete?: (event: E, before: LifecycleView) => E;
  check?: (command: C, at: StepCheck) => void;
  /** Apply the event to the lifecycle (always: a recorded event is a fact) and say whether it was legal
   * where it stands. Mutates `v`, which the replay owns. */
  apply: (v: LifecycleView, event: E, entry: TimelineEntry) => Violation | null;
  /** What the event adds to the scorecard's facts (none: it changes no fact of the method). */
  facts?: (facts: DossierFacts, event: E, atMs: number) => DossierFacts;
}>;

/** A step module with its types erased: what the registry and every layer use. */
export type DossierStep<T extends string = string> = Readonly<{
  type: T;
  labels: StepLabels;
  fields: FieldSpecs;
  form: boolean;
  system: boolean;
  needs: readonly StepNeed[];
  command: DossierCommand['type'];
  event: DossierEvent['type'];
  once: OnceRule | null;
  finishes: FinishingStep | null;
  derivedKeys: readonly string[];
  /** Input (checked against the field specs) → the command. */
  toCommand: (input: StepInput, meta: CommandMeta, context: StepContext) => DossierCommand;
  toEvent: (command: DossierCommand) => DossierEvent;
  complete: (event: DossierEvent, before: LifecycleView) => DossierEvent;
  check: (command: DossierCommand, at: StepCheck) => void;
  apply: (v: LifecycleView, entry: TimelineEntry) => Violation | null;
  facts: ((facts: DossierFacts, event: DossierEvent, atMs: number) => DossierFacts) | null;
}>;

/** Declare a step: `defineStep<Command, Event>()({ ... })`. */
export const defineStep =
  <C extends DossierCommand, E extends DossierEvent>() =>
  <const T extends string, const F extends FieldSpecs>(
    def: StepDefinition<T, F, StepCommandOf<C>, E>,
  ): DossierStep<T> => {
    const isCommand = (c: DossierCommand): c is StepCommandOf<C> => c.type === def.command;
    const isEvent = (e: DossierEvent): e is E => e.type === def.event;
    const commandOf = (c: DossierCommand): StepCommandOf<C> => {
      if (!isCommand(c)) throw new Error(`${def.type} does not handle ${c.type}`);
      return c;
    };
    const eventOf = (e: DossierEvent): E => {
      if (!isEvent(e)) throw new Error(`${def.type} does not record ${e.type}`);
      return e;
    };
    return {
      type: def.type,
      labels: def.labels,
      fields: def.fields,
      form: def.form ?? true,
      system: def.system ?? false,
      needs: def.needs ?? [],
      command: def.command,
      event: def.event,
      once: def.once ?? null,
      finishes: def.finishes ?? null,
      derivedKeys: def.derivedKeys ?? [],
      toCommand: (input, meta, context) => def.toCommand(readInput(def.fields, input), meta, context),
      toEvent: (command) => def.toEvent(commandOf(command)),
      complete: (event, before) => (def.complete ? def.complete(eventOf(event), before) : event),
      check: (command, at) => def.check?.(commandOf(command), at),
      apply: (v, entry) => def.apply(v, eventOf(entry.event), entry),
      facts: def.facts ? (facts, event, atMs) => def.facts!(facts, eventOf(event), atMs) : null,
    };
  };

const fits = (spec: FieldSpec, value: unknown): boolean => {
  switch (spec.kind) {
    case 'text':
    case 'unit-id':
    case 'instant':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'amount':
      return typeof value === 'number' && Number.isFinite(value);
    case 'text-list':
      return Array.isArray(value) && value.every((x) => typeof x === 'string');
    case 'json':
      return true;
  }
};

/** The step's input, checked against its field specs (the edge validated it already; other callers, the
 * demo seeder say, did not). Fields of other types are left out. */
export function readInput<F extends FieldSpecs>(fields: F, input: StepInput): InputOf<F> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const value = input[name];
    if (value === undefined) {
      if (spec.required) throw dossierError('MISSING_FIELD', `${name} is required`, { field: name });
      continue;
    }
    if (!fits(spec, value)) {
      throw dossierError('MISSING_FIELD', `${name} must be a ${spec.kind}`, { field: name });
    }
    out[name] = value;
  }
  return out as InputOf<F>;
}

/// Shared checks of the commands' data (the decider's own validation, whatever the caller).

export { requireDossierText as requireText } from '../dossier.errors';

export const positiveAmount = (amount: unknown): number => {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    throw dossierError('INVALID_AMOUNT', 'amount must be a number above 0', { amount });
  }
  return amount;
};

export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** The field specs several steps share. */
export const REASON = { kind: 'text', required: true, maxLength: 2000 } as const;
export const OPTIONAL_REASON = { kind: 'text', required: false, maxLength: 2000 } as const;
/** VND; well above any fee, below float trouble. */
export const AMOUNT = { kind: 'amount', required: true, min: 0, max: 1e12 } as const;
