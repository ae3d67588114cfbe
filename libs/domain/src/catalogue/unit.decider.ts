// Stream `unit-{id}`: a unit of the province (department, district, commune). PUT semantics.
import type { CivilDate, Instant } from '../calendar';
import { epochDayOf } from '../calendar/instant';
import type { Actor, Command, Decider, Event } from '../core/event-sourcing.types';
import { catalogueError, requireText, sameJson } from './catalogue.errors';

export type UnitLevel = 'department' | 'district' | 'commune';
export const UNIT_LEVELS: readonly UnitLevel[] = ['department', 'district', 'commune'];

type UnitFacts = {
  unitId: string;
  name: string;
  level: UnitLevel;
  parentId?: string;
  /** The day from which a commune offers electronic certified copies from originals (6.5a). */
  electronicCertifiedCopySince?: CivilDate;
};

export type UnitDefined = Event<'UnitDefined', UnitFacts & { occurredAt: Instant }>;
export type UnitChanged = Event<'UnitChanged', UnitFacts & { occurredAt: Instant }>;
export type UnitEvent = UnitDefined | UnitChanged;

type UnitInput = Omit<UnitFacts, 'electronicCertifiedCopySince'> & {
  /** null: the commune no longer offers them (PUT semantics: absent is the same). */
  electronicCertifiedCopySince?: CivilDate | null;
};
export type DefineUnit = Command<'DefineUnit', UnitInput & { now: Instant; actor: Actor }>;
export type UnitCommand = DefineUnit;

export type UnitState =
  | Readonly<{ status: 'none' }>
  | Readonly<UnitFacts & { status: 'defined'; definedAt: Instant; changedAt: Instant }>;

export const unitStreamName = (unitId: string): string => `unit-${unitId}`;

const factsOf = (d: UnitInput): UnitFacts => ({
  unitId: d.unitId,
  name: d.name,
  level: d.level,
  ...(d.parentId === undefined ? {} : { parentId: d.parentId }),
  ...(d.electronicCertifiedCopySince == null
    ? {}
    : { electronicCertifiedCopySince: d.electronicCertifiedCopySince }),
});

function isDate(value: string): boolean {
  try {
    epochDayOf(value);
    return true;
  } catch {
    return false;
  }
}

export function decideUnit(command: UnitCommand, state: UnitState): UnitEvent[] {
  switch (command.type) {
    case 'DefineUnit': {
      const d = command.data;
      requireText(d.unitId, 'unitId');
      requireText(d.name, 'name');
      if (!UNIT_LEVELS.includes(d.level))
        throw catalogueError('INVALID_LEVEL', `level must be one of ${UNIT_LEVELS.join(', ')}`);
      if (d.parentId !== undefined) requireText(d.parentId, 'parentId');
      if (
        d.electronicCertifiedCopySince != null &&
        (typeof d.electronicCertifiedCopySince !== 'string' || !isDate(d.electronicCertifiedCopySince))
      ) {
        throw catalogueError('INVALID_DATE', 'electronicCertifiedCopySince must be a date YYYY-MM-DD', {
          field: 'electronicCertifiedCopySince',
        });
      }
      if (d.parentId === d.unitId) throw catalogueError('UNIT_OWN_PARENT', 'a unit cannot be its own parent');
      const facts = factsOf(d);
      if (state.status === 'none') return [{ type: 'UnitDefined', data: { ...facts, occurredAt: d.now } }];
      const { status: _s, definedAt: _d, changedAt: _c, ...current } = state;
      return sameJson(current, facts) ? [] : [{ type: 'UnitChanged', data: { ...facts, occurredAt: d.now } }];
    }
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  switch (event.type) {
    case 'UnitDefined':
    case 'UnitChanged': {
      const { occurredAt, ...facts } = event.data;
      return {
        ...factsOf(facts),
        status: 'defined',
        definedAt: state.status === 'none' ? occurredAt : state.definedAt,
        changedAt: occurredAt,
      };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export const initialUnitState = (): UnitState => ({ status: 'none' });

export const unitDecider: Decider<UnitState, UnitCommand, UnitEvent> = {
  decide: decideUnit,
  evolve: evolveUnit,
  initialState: initialUnitState,
};
