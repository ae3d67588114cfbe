// Stream `publication-{id}`: a publication decision (quyết định công bố TTHC) and each procedure made public
// under it on the national procedure database (SCORING.md "Procedure publication"). PUT semantics for the
// decision; a procedure is made public once per decision.
import type { CivilDate, Instant } from '../calendar';
import { epochDayOf } from '../calendar/instant';
import {
  DomainError,
  type Actor,
  type Command,
  type Decider,
  type Event,
} from '../core/event-sourcing.types';

export type PublicationChange = 'new' | 'amended' | 'abolished';
export const PUBLICATION_CHANGES: readonly PublicationChange[] = ['new', 'amended', 'abolished'];
export type PublicationItem = Readonly<{ procedureCode: string; change: PublicationChange }>;

export type PublicationFacts = Readonly<{
  publicationId: string;
  decisionNo: string;
  decidedOn: CivilDate;
  basisEffectiveOn: CivilDate;
  items: readonly PublicationItem[];
}>;

export type PublicationDecided = Event<'PublicationDecided', PublicationFacts & { occurredAt: Instant }>;
export type PublicationDecisionChanged = Event<
  'PublicationDecisionChanged',
  PublicationFacts & { occurredAt: Instant }
>;
export type ProcedureMadePublic = Event<
  'ProcedureMadePublic',
  { publicationId: string; procedureCode: string; madePublicOn: CivilDate; occurredAt: Instant }
>;
export type PublicationEvent = PublicationDecided | PublicationDecisionChanged | ProcedureMadePublic;
export const PUBLICATION_EVENT_TYPES: readonly PublicationEvent['type'][] = [
  'PublicationDecided',
  'PublicationDecisionChanged',
  'ProcedureMadePublic',
];

export type DecidePublication = Command<
  'DecidePublication',
  PublicationFacts & { now: Instant; actor: Actor }
>;
export type MakeProcedurePublic = Command<
  'MakeProcedurePublic',
  { publicationId: string; procedureCode: string; madePublicOn: CivilDate; now: Instant; actor: Actor }
>;
export type PublicationCommand = DecidePublication | MakeProcedurePublic;

export type PublicationState =
  | Readonly<{ status: 'none' }>
  | Readonly<
      PublicationFacts & {
        status: 'decided';
        /** procedureCode → the day it was made public under this decision. */
        madePublic: Readonly<Record<string, CivilDate>>;
      }
    >;

export const publicationStreamName = (id: string): string => `publication-${id}`;

const refuse = (
  code: string,
  kind: 'rule' | 'conflict' | 'not-found',
  message: string,
  details?: Record<string, unknown>,
): DomainError => new DomainError(code, kind, message, details);

function requireDate(value: unknown, field: string): CivilDate {
  try {
    if (typeof value === 'string') {
      epochDayOf(value);
      return value;
    }
  } catch {
    // refused below
  }
  throw refuse('INVALID_DATE', 'rule', `${field} must be a date YYYY-MM-DD`, { field });
}

function validateDecision(d: DecidePublication['data']): PublicationFacts {
  for (const f of ['publicationId', 'decisionNo'] as const) {
    if (typeof d[f] !== 'string' || d[f].trim() === '')
      throw refuse('MISSING_FIELD', 'rule', `${f} is required`, { field: f });
  }
  requireDate(d.decidedOn, 'decidedOn');
  requireDate(d.basisEffectiveOn, 'basisEffectiveOn');
  if (!Array.isArray(d.items) || d.items.length === 0)
    throw refuse('NO_ITEMS', 'rule', 'a publication decision publishes at least one procedure', {
      field: 'items',
    });
  const seen = new Set<string>();
  d.items.forEach((it, i) => {
    if (typeof it?.procedureCode !== 'string' || it.procedureCode.trim() === '')
      throw refuse('MISSING_FIELD', 'rule', `items[${i}].procedureCode is required`, {
        field: `items[${i}].procedureCode`,
      });
    if (!PUBLICATION_CHANGES.includes(it.change))
      throw refuse('MISSING_FIELD', 'rule', `items[${i}].change must be new, amended or abolished`, {
        field: `items[${i}].change`,
      });
    if (seen.has(it.procedureCode))
      throw refuse('DUPLICATE_ITEM', 'rule', `procedure ${it.procedureCode} is listed twice`, {
        field: `items[${i}].procedureCode`,
      });
    seen.add(it.procedureCode);
  });
  return {
    publicationId: d.publicationId,
    decisionNo: d.decisionNo,
    decidedOn: d.decidedOn,
    basisEffectiveOn: d.basisEffectiveOn,
    items: d.items.map((it) => ({ procedureCode: it.procedureCode, change: it.change })),
  };
}

const sameFacts = (a: PublicationFacts, b: PublicationFacts): boolean =>
  a.decisionNo === b.decisionNo &&
  a.decidedOn === b.decidedOn &&
  a.basisEffectiveOn === b.basisEffectiveOn &&
  a.items.length === b.items.length &&
  a.items.every((x, i) => x.procedureCode === b.items[i].procedureCode && x.change === b.items[i].change);

export function decidePublication(command: PublicationCommand, state: PublicationState): PublicationEvent[] {
  switch (command.type) {
    case 'DecidePublication': {
      const facts = validateDecision(command.data);
      if (state.status === 'none')
        return [{ type: 'PublicationDecided', data: { ...facts, occurredAt: command.data.now } }];
      if (sameFacts(state, facts)) return [];
      const kept = new Set(facts.items.map((i) => i.procedureCode));
      const dropped = Object.keys(state.madePublic).filter((code) => !kept.has(code));
      if (dropped.length > 0)
        throw refuse(
          'MADE_PUBLIC_ITEM_REMOVED',
          'conflict',
          'an item already made public cannot be dropped',
          {
            procedureCodes: dropped,
          },
        );
      const firstPublic = Object.values(state.madePublic).sort()[0];
      if (firstPublic !== undefined && facts.decidedOn > firstPublic)
        throw refuse(
          'MADE_PUBLIC_BEFORE_DECISION',
          'rule',
          'decidedOn lies after a day an item was made public',
          {
            field: 'decidedOn',
            madePublicOn: firstPublic,
          },
        );
      return [{ type: 'PublicationDecisionChanged', data: { ...facts, occurredAt: command.data.now } }];
    }
    case 'MakeProcedurePublic': {
      const d = command.data;
      if (state.status === 'none')
        throw refuse('PUBLICATION_NOT_FOUND', 'not-found', `no publication decision ${d.publicationId}`);
      requireDate(d.madePublicOn, 'madePublicOn');
      if (!state.items.some((i) => i.procedureCode === d.procedureCode))
        throw refuse(
          'NOT_AN_ITEM',
          'rule',
          `decision ${state.decisionNo} does not publish ${d.procedureCode}`,
          {
            field: 'procedureCode',
          },
        );
      if (d.madePublicOn < state.decidedOn)
        throw refuse('MADE_PUBLIC_BEFORE_DECISION', 'rule', 'madePublicOn lies before the decision', {
          field: 'madePublicOn',
          decidedOn: state.decidedOn,
        });
      const already = state.madePublic[d.procedureCode];
      if (already === d.madePublicOn) return [];
      if (already !== undefined)
        throw refuse('ALREADY_MADE_PUBLIC', 'conflict', `${d.procedureCode} was made public on ${already}`, {
          madePublicOn: already,
        });
      return [
        {
          type: 'ProcedureMadePublic',
          data: {
            publicationId: state.publicationId,
            procedureCode: d.procedureCode,
            madePublicOn: d.madePublicOn,
            occurredAt: d.now,
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export function evolvePublication(state: PublicationState, event: PublicationEvent): PublicationState {
  switch (event.type) {
    case 'PublicationDecided':
    case 'PublicationDecisionChanged': {
      const { occurredAt: _o, ...facts } = event.data;
      return { ...facts, status: 'decided', madePublic: state.status === 'none' ? {} : state.madePublic };
    }
    case 'ProcedureMadePublic': {
      if (state.status === 'none') return state;
      return {
        ...state,
        madePublic: { ...state.madePublic, [event.data.procedureCode]: event.data.madePublicOn },
      };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export const initialPublicationState = (): PublicationState => ({ status: 'none' });

export const publicationDecider: Decider<PublicationState, PublicationCommand, PublicationEvent> = {
  decide: decidePublication,
  evolve: evolvePublication,
  initialState: initialPublicationState,
};
