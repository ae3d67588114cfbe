// Stream `procedure-{code}`: a procedure (TTHC) of the catalogue. Changes are dated (effectiveFrom): a
// dossier takes the procedure as it stood at receipt, and the scorecard can ask what stood when.
import type { Instant, TimeLimit, TimeLimitUnit } from '../calendar';
import type { Actor, Command, Decider, Event } from '../core/event-sourcing.types';
import { catalogueError, requireInstant, requireText, sameJson } from './catalogue.errors';

/** The seven components of a procedure that must be public (NĐ 63/2010 Art. 8(2)). */
export const PUBLIC_COMPONENTS = [
  'name',
  'steps',
  'methods',
  'dossier',
  'timeLimit',
  'subjects',
  'agency',
] as const;
export type PublicComponent = (typeof PUBLIC_COMPONENTS)[number];

export type ProcedureLevel = 'none' | 'partial' | 'full';
const ONLINE_LEVELS: readonly ProcedureLevel[] = ['none', 'partial', 'full'];
const LIMIT_UNITS: readonly TimeLimitUnit[] = ['working-days', 'days', 'working-hours'];

export type ProcedureFacts = {
  code: string;
  name: string;
  units: readonly string[];
  timeLimit: TimeLimit;
  onlineLevel: ProcedureLevel;
  feeRequired: boolean;
  requiresWrittenResult: boolean;
  /** The national database's procedure code (MaTTHC), field code and name (the portal push). */
  nationalCode?: string;
  fieldCode?: string;
  fieldName?: string;
  /** Done by citizens (not only by organisations): 6.5c's procedures. Absent: true. */
  forCitizens?: boolean;
  /** Which of the seven components of NĐ 63/2010 Art. 8(2) are public (1.3). Absent: none. */
  publicComponents?: readonly PublicComponent[];
};
type Dated = { effectiveFrom: Instant; occurredAt: Instant };

export type ProcedureDefined = Event<'ProcedureDefined', ProcedureFacts & Dated>;
export type ProcedureChanged = Event<'ProcedureChanged', ProcedureFacts & Dated>;
export type ProcedureEvent = ProcedureDefined | ProcedureChanged;

export type DefineProcedure = Command<
  'DefineProcedure',
  ProcedureFacts & { effectiveFrom?: Instant; now: Instant; actor: Actor }
>;
export type ProcedureCommand = DefineProcedure;

export type ProcedureVersion = Readonly<ProcedureFacts & { effectiveFrom: Instant }>;
export type ProcedureState =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: 'defined'; current: ProcedureVersion; versions: readonly ProcedureVersion[] }>;

export const procedureStreamName = (code: string): string => `procedure-${code}`;

const factsOf = (d: ProcedureFacts): ProcedureFacts => ({
  code: d.code,
  name: d.name,
  units: d.units,
  timeLimit: { value: d.timeLimit.value, unit: d.timeLimit.unit },
  onlineLevel: d.onlineLevel,
  feeRequired: d.feeRequired,
  requiresWrittenResult: d.requiresWrittenResult,
  ...(d.nationalCode !== undefined ? { nationalCode: d.nationalCode } : {}),
  ...(d.fieldCode !== undefined ? { fieldCode: d.fieldCode } : {}),
  ...(d.fieldName !== undefined ? { fieldName: d.fieldName } : {}),
  ...(d.forCitizens !== undefined ? { forCitizens: d.forCitizens } : {}),
  ...(d.publicComponents !== undefined
    ? { publicComponents: PUBLIC_COMPONENTS.filter((c) => d.publicComponents!.includes(c)) }
    : {}),
});

function validate(d: DefineProcedure['data']): void {
  requireText(d.code, 'code');
  requireText(d.name, 'name');
  if (!Array.isArray(d.units) || d.units.length === 0)
    throw catalogueError('NO_UNITS', 'a procedure lists at least one unit');
  d.units.forEach((u, i) => requireText(u, `units[${i}]`));
  const { value, unit } = d.timeLimit ?? ({} as TimeLimit);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || !LIMIT_UNITS.includes(unit)) {
    throw catalogueError(
      'INVALID_TIME_LIMIT',
      `timeLimit needs a value ≥ 0 and a unit among ${LIMIT_UNITS.join(', ')}`,
    );
  }
  if (!ONLINE_LEVELS.includes(d.onlineLevel))
    throw catalogueError('INVALID_ONLINE_LEVEL', 'onlineLevel must be none, partial or full');
  if (typeof d.feeRequired !== 'boolean')
    throw catalogueError('MISSING_FIELD', 'feeRequired is required', { field: 'feeRequired' });
  if (typeof d.requiresWrittenResult !== 'boolean') {
    throw catalogueError('MISSING_FIELD', 'requiresWrittenResult is required', {
      field: 'requiresWrittenResult',
    });
  }
  if (d.forCitizens !== undefined && typeof d.forCitizens !== 'boolean')
    throw catalogueError('MISSING_FIELD', 'forCitizens must be true or false', { field: 'forCitizens' });
  if (
    d.publicComponents !== undefined &&
    (!Array.isArray(d.publicComponents) || d.publicComponents.some((c) => !PUBLIC_COMPONENTS.includes(c)))
  ) {
    throw catalogueError('MISSING_FIELD', `publicComponents must be among ${PUBLIC_COMPONENTS.join(', ')}`, {
      field: 'publicComponents',
    });
  }
  requireInstant(d.now, 'now');
  if (d.effectiveFrom !== undefined) requireInstant(d.effectiveFrom, 'effectiveFrom');
}

export function decideProcedure(command: ProcedureCommand, state: ProcedureState): ProcedureEvent[] {
  switch (command.type) {
    case 'DefineProcedure': {
      const d = command.data;
      validate(d);
      const facts = factsOf(d);
      const data = { ...facts, effectiveFrom: d.effectiveFrom ?? d.now, occurredAt: d.now };
      if (state.status === 'none') return [{ type: 'ProcedureDefined', data }];
      const { effectiveFrom, ...current } = state.current;
      const sameDate =
        d.effectiveFrom === undefined || Date.parse(d.effectiveFrom) === Date.parse(effectiveFrom);
      return sameJson(current, facts) && sameDate ? [] : [{ type: 'ProcedureChanged', data }];
    }
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

export function evolveProcedure(state: ProcedureState, event: ProcedureEvent): ProcedureState {
  switch (event.type) {
    case 'ProcedureDefined':
    case 'ProcedureChanged': {
      const version: ProcedureVersion = { ...factsOf(event.data), effectiveFrom: event.data.effectiveFrom };
      const versions = [...(state.status === 'none' ? [] : state.versions), version].sort(
        (a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom),
      );
      // The latest recorded definition is the current one (a back-dated change still is the newest word).
      return { status: 'defined', current: version, versions };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The procedure as it stood at `at` (the latest version effective at or before it), or null. */
export function procedureAsOf(state: ProcedureState, at: Instant): ProcedureVersion | null {
  if (state.status === 'none') return null;
  const t = Date.parse(at);
  let found: ProcedureVersion | null = null;
  for (const v of state.versions) if (Date.parse(v.effectiveFrom) <= t) found = v;
  return found;
}

export const initialProcedureState = (): ProcedureState => ({ status: 'none' });

export const procedureDecider: Decider<ProcedureState, ProcedureCommand, ProcedureEvent> = {
  decide: decideProcedure,
  evolve: evolveProcedure,
  initialState: initialProcedureState,
};
