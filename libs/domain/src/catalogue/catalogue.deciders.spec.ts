import {
  calendarYearDecider,
  procedureDecider,
  unitDecider,
  type Actor,
  type ProcedureEvent,
} from '@tracker/domain';
import { DeciderSpecification } from '@tracker/testing';

const admin: Actor = { subject: 'admin-1', role: 'admin' };
const NOW = '2025-03-01T09:00:00+07:00';
const LATER = '2025-04-01T09:00:00+07:00';

describe('unit decider', () => {
  const given = DeciderSpecification.for(unitDecider);
  const define = (name = 'Sở Xây dựng', parentId?: string) => ({
    type: 'DefineUnit' as const,
    data: {
      unitId: 'SXD',
      name,
      level: 'department' as const,
      ...(parentId ? { parentId } : {}),
      now: NOW,
      actor: admin,
    },
  });
  const defined = {
    type: 'UnitDefined' as const,
    data: { unitId: 'SXD', name: 'Sở Xây dựng', level: 'department' as const, occurredAt: NOW },
  };

  it('defines a unit, then changes it; the same facts again decide nothing', () => {
    given([]).when(define()).then([defined]);
    given([defined]).when(define()).thenNothingHappened();
    given([defined])
      .when(define('Sở Xây dựng tỉnh'))
      .then([
        {
          type: 'UnitChanged',
          data: { unitId: 'SXD', name: 'Sở Xây dựng tỉnh', level: 'department', occurredAt: NOW },
        },
      ]);
  });
  it('refuses a unit that is its own parent, an unknown level, an empty name', () => {
    given([]).when(define('Sở Xây dựng', 'SXD')).thenThrows('UNIT_OWN_PARENT');
    given([])
      .when({ ...define(), data: { ...define().data, level: 'ward' as never } })
      .thenThrows('INVALID_LEVEL');
    given([]).when(define(' ')).thenThrows('MISSING_FIELD');
  });
});

describe('procedure decider', () => {
  const given = DeciderSpecification.for(procedureDecider);
  const facts = {
    code: '1.001234',
    name: 'Cấp giấy phép xây dựng',
    units: ['SXD'],
    timeLimit: { value: 15, unit: 'working-days' as const },
    onlineLevel: 'full' as const,
    feeRequired: true,
    requiresWrittenResult: true,
  };
  const define = (over: Partial<typeof facts> & { effectiveFrom?: string; now?: string } = {}) => ({
    type: 'DefineProcedure' as const,
    data: { ...facts, now: NOW, actor: admin, ...over },
  });
  const defined: ProcedureEvent = {
    type: 'ProcedureDefined',
    data: { ...facts, effectiveFrom: NOW, occurredAt: NOW },
  };

  it('defines a procedure effective now, then records a dated change', () => {
    given([]).when(define()).then([defined]);
    given([defined])
      .when(define({ now: LATER }))
      .thenNothingHappened();
    const s = given([defined])
      .when(
        define({
          timeLimit: { value: 10, unit: 'working-days' },
          effectiveFrom: '2025-05-01T00:00:00+07:00',
          now: LATER,
        }),
      )
      .then([
        {
          type: 'ProcedureChanged',
          data: {
            ...facts,
            timeLimit: { value: 10, unit: 'working-days' },
            effectiveFrom: '2025-05-01T00:00:00+07:00',
            occurredAt: LATER,
          },
        },
      ]);
    expect(s.status === 'defined' && s.versions.map((v) => v.timeLimit.value)).toEqual([15, 10]);
  });
  it('refuses a procedure without units, with a bad time limit or online level', () => {
    given([])
      .when(define({ units: [] }))
      .thenThrows('NO_UNITS');
    given([])
      .when(define({ timeLimit: { value: -1, unit: 'working-days' } }))
      .thenThrows('INVALID_TIME_LIMIT');
    given([])
      .when(define({ onlineLevel: 'level-4' as never }))
      .thenThrows('INVALID_ONLINE_LEVEL');
    given([])
      .when(define({ effectiveFrom: '2025-05-01' }))
      .thenThrows('INVALID_INSTANT');
  });
});

describe('calendar year decider', () => {
  const given = DeciderSpecification.for(calendarYearDecider);
  const set = (holidays: string[], workingDays: string[] = [], now = NOW) => ({
    type: 'SetCalendarOverrides' as const,
    data: { year: 2025, holidays, workingDays, now, actor: admin },
  });
  const setEvent = (holidays: string[], workingDays: string[] = [], at = NOW) => ({
    type: 'CalendarOverridesSet' as const,
    data: { year: 2025, holidays, workingDays, effectiveFrom: at, occurredAt: at },
  });

  it('sets overrides effective from now (sorted, without duplicates); the same set again decides nothing', () => {
    given([])
      .when(set(['2025-05-02', '2025-01-27', '2025-05-02'], ['2025-04-26']))
      .then([setEvent(['2025-01-27', '2025-05-02'], ['2025-04-26'])]);
    given([setEvent(['2025-01-27', '2025-05-02'], ['2025-04-26'])])
      .when(set(['2025-05-02', '2025-01-27'], ['2025-04-26'], LATER))
      .thenNothingHappened();
  });
  it('records a change with a new version', () => {
    const s = given([setEvent(['2025-01-27'])])
      .when(set(['2025-01-27', '2025-09-01'], [], LATER))
      .then([setEvent(['2025-01-27', '2025-09-01'], [], LATER)]);
    expect(s).toMatchObject({ status: 'set', version: 2, effectiveFrom: LATER });
  });
  it('refuses a malformed date, a date of another year, a date both off and worked', () => {
    given([])
      .when(set(['2025-02-30']))
      .thenThrows('INVALID_DATE');
    given([])
      .when(set(['2026-01-01']))
      .thenThrows('DATE_NOT_IN_YEAR');
    given([])
      .when(set(['2025-04-26'], ['2025-04-26']))
      .thenThrows('DATE_BOTH_HOLIDAY_AND_WORKING');
  });
});
