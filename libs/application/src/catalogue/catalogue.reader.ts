import { Inject, Injectable } from '@nestjs/common';
import {
  Decider,
  DomainError,
  Event,
  FieldSpecs,
  ProcedureEvent,
  ProcedureSnapshot,
  ProcedureState,
  ProcedureVersion,
  UnitEvent,
  UnitLevel,
  UnitState,
  procedureDecider,
  procedureStreamName,
  unitDecider,
  unitStreamName,
} from '@tracker/domain';
import { CalendarProvider, OverridesSetData } from './calendar.provider';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';

export type UnitView = Readonly<{
  unitId: string;
  name: string;
  level: UnitLevel;
  parentId?: string;
  electronicCertifiedCopySince?: string;
}>;
type DefinedProcedureState = Extract<ProcedureState, { status: 'defined' }>;
/** A procedure as the catalogue lists it: its current definition and its dated history. */
export type DefinedProcedure = ProcedureVersion & { versions: readonly ProcedureVersion[] };
export type ProcedureView = Readonly<{ code: string; snapshot: ProcedureSnapshot; units: readonly string[] }>;

/** The streams the catalogue is folded from (ReferenceData feeds them to `apply`). */
export const CATALOGUE_STREAM_PREFIXES = ['unit-', 'procedure-', 'calendar-'] as const;

/**
 * Units, procedures and the calendar years, in memory, fed by the reference data's subscription
 * (ReferenceData; the catalogue is small: hundreds of units, thousands of procedures), so receiving a
 * dossier reads no catalogue stream. A unit or procedure the view does not know yet (defined a moment ago
 * through another replica) is read from its own stream.
 */
@Injectable()
export class CatalogueReader {
  private readonly units = new Map<string, UnitState>();
  private readonly procedures = new Map<string, ProcedureState>();
  /** Revision of the last event applied per unit/procedure stream: each event is applied once. */
  private readonly revisions = new Map<string, bigint>();
  private changes = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly calendars: CalendarProvider,
  ) {}

  /**
   * The state a local command handler just wrote (folded from the stream through `revision`), so this
   * process lists it at once; the feed's copies of the same events then fall at or below the revision.
   */
  applyState(streamName: string, state: UnitState | ProcedureState, revision: bigint): void {
    if (revision <= (this.revisions.get(streamName) ?? -1n)) return;
    this.revisions.set(streamName, revision);
    this.changes++;
    if (streamName.startsWith('unit-')) this.units.set(streamName.slice('unit-'.length), state as UnitState);
    else if (streamName.startsWith('procedure-'))
      this.procedures.set(streamName.slice('procedure-'.length), state as ProcedureState);
  }

  /** Applies one event of the feed (in stream order), once: events at or below the known revision are skipped. */
  apply(streamName: string, event: Event, revision: bigint): void {
    if (streamName.startsWith('calendar-') && event.type === 'CalendarOverridesSet') {
      const data = event.data as OverridesSetData;
      this.calendars.observe(data.year, revision, data);
      return;
    }
    if (revision <= (this.revisions.get(streamName) ?? -1n)) return;
    this.revisions.set(streamName, revision);
    this.changes++;
    if (streamName.startsWith('unit-')) {
      const id = streamName.slice('unit-'.length);
      this.units.set(
        id,
        unitDecider.evolve(this.units.get(id) ?? unitDecider.initialState(), event as UnitEvent),
      );
    } else if (streamName.startsWith('procedure-')) {
      const code = streamName.slice('procedure-'.length);
      const state = this.procedures.get(code) ?? procedureDecider.initialState();
      this.procedures.set(code, procedureDecider.evolve(state, event as ProcedureEvent));
    }
  }

  /** From the view when it has the unit; else from its stream (defined a moment ago on another replica). */
  async unit(unitId: string): Promise<UnitView | undefined> {
    const known = this.units.get(unitId);
    if (known?.status === 'defined') return unitView(known);
    const state = await this.fold(unitStreamName(unitId), unitDecider);
    return state.status === 'defined' ? unitView(state) : undefined;
  }

  /**
   * The unit a request names, or 404 UNIT_NOT_FOUND (PRODUCT.md: an unknown unit is a 404, wherever the request
   * names it), with the field naming it when it came in a body. Units are public (the catalogue): callers ask
   * this before whether the unit is theirs, so an unknown one is never answered as someone else's.
   */
  async knownUnit(unitId: string, field?: string): Promise<UnitView> {
    const unit = await this.unit(unitId);
    if (!unit)
      throw new DomainError(
        'UNIT_NOT_FOUND',
        'not-found',
        `no unit ${unitId}`,
        field ? { field } : undefined,
      );
    return unit;
  }

  /** Every unit a step names (its `unit-id` fields) must exist (`knownUnit`). */
  async assertStepUnits(fields: FieldSpecs, step: Readonly<Record<string, unknown>>): Promise<void> {
    for (const [field, spec] of Object.entries(fields)) {
      const id = step[field];
      if (spec.kind === 'unit-id' && typeof id === 'string') await this.knownUnit(id, field);
    }
  }

  /** The procedure as defined at `at`, or 422 PROCEDURE_NOT_FOUND naming the body's `procedureCode`. */
  async knownProcedureAt(code: string, at: string): Promise<ProcedureView> {
    const procedure = await this.procedureAt(code, at);
    if (!procedure) {
      throw new DomainError('PROCEDURE_NOT_FOUND', 'rule', `no procedure ${code} in the catalogue`, {
        field: 'procedureCode',
      });
    }
    return procedure;
  }

  /** The procedure as defined at `at` (catalogue changes are dated), or undefined. */
  async procedureAt(code: string, at: string): Promise<ProcedureView | undefined> {
    const known = this.procedures.get(code);
    if (known?.status === 'defined') return procedureView(known, at);
    const state = await this.fold(procedureStreamName(code), procedureDecider);
    return state.status === 'defined' ? procedureView(state, at) : undefined;
  }

  /** Changes with every unit or procedure event applied: what was listed before may be stale. */
  get version(): number {
    return this.changes;
  }

  listUnits(): UnitView[] {
    return [...this.units.values()]
      .filter((s): s is Extract<UnitState, { status: 'defined' }> => s.status === 'defined')
      .map(unitView)
      .sort((a, b) => a.unitId.localeCompare(b.unitId));
  }

  listProcedures(): DefinedProcedure[] {
    return [...this.procedures.values()]
      .filter((s): s is DefinedProcedureState => s.status === 'defined')
      .map(procedureListing)
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  private async fold<S, E extends Event>(stream: string, decider: Decider<S, never, E>): Promise<S> {
    const { events } = await this.store.readStream<E>(stream);
    return events.reduce((s, r) => decider.evolve(s, r.event), decider.initialState());
  }
}

function unitView(s: Extract<UnitState, { status: 'defined' }>): UnitView {
  return {
    unitId: s.unitId,
    name: s.name,
    level: s.level,
    ...(s.parentId ? { parentId: s.parentId } : {}),
    ...(s.electronicCertifiedCopySince
      ? { electronicCertifiedCopySince: s.electronicCertifiedCopySince }
      : {}),
  };
}

export const procedureListing = (s: DefinedProcedureState): DefinedProcedure => ({
  ...s.current,
  versions: s.versions,
});

/** The version in force at `at`; a dossier older than the catalogue entry takes its first version. */
function definitionAt(s: DefinedProcedureState, at: string): ProcedureVersion {
  const t = Date.parse(at);
  const inForce = s.versions.filter((v) => Date.parse(v.effectiveFrom) <= t);
  return inForce.length
    ? inForce.reduce((a, b) => (Date.parse(b.effectiveFrom) >= Date.parse(a.effectiveFrom) ? b : a))
    : s.versions[0];
}

function procedureView(s: DefinedProcedureState, at: string): ProcedureView {
  const v = definitionAt(s, at);
  return {
    code: v.code,
    units: v.units,
    snapshot: {
      name: v.name,
      timeLimit: v.timeLimit,
      onlineLevel: v.onlineLevel,
      feeRequired: v.feeRequired,
      requiresWrittenResult: v.requiresWrittenResult,
      ...(v.nationalCode !== undefined ? { nationalCode: v.nationalCode } : {}),
      ...(v.fieldCode !== undefined ? { fieldCode: v.fieldCode } : {}),
      ...(v.fieldName !== undefined ? { fieldName: v.fieldName } : {}),
    },
  };
}
