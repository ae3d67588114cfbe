import {
  defaultVietnamCalendar,
  madePublicOnTimeAt,
  publicationDecider,
  publicationItemsOf,
  startOfDayMs,
  type Actor,
  type DecidePublication,
  type MakeProcedurePublic,
  type PublicationEvent,
  type PublicationState,
} from '@tracker/domain';
import { DeciderSpecification } from '@tracker/testing';

const given = DeciderSpecification.for(publicationDecider);
const admin: Actor = { subject: 'admin', role: 'admin' };
const NOW = '2025-03-20T10:00:00+07:00';
const FACTS = {
  publicationId: 'QD1',
  decisionNo: '12/QĐ-UBND',
  decidedOn: '2025-01-20',
  basisEffectiveOn: '2025-02-10',
  items: [
    { procedureCode: 'PA', change: 'new' as const },
    { procedureCode: 'PB', change: 'abolished' as const },
  ],
};
const decide = (over: Partial<DecidePublication['data']> = {}): DecidePublication => ({
  type: 'DecidePublication',
  data: { ...FACTS, now: NOW, actor: admin, ...over },
});
const makePublic = (procedureCode: string, madePublicOn: string): MakeProcedurePublic => ({
  type: 'MakeProcedurePublic',
  data: { publicationId: 'QD1', procedureCode, madePublicOn, now: NOW, actor: admin },
});
const DECIDED: PublicationEvent = { type: 'PublicationDecided', data: { ...FACTS, occurredAt: NOW } };
const PUBLIC_PA: PublicationEvent = {
  type: 'ProcedureMadePublic',
  data: { publicationId: 'QD1', procedureCode: 'PA', madePublicOn: '2025-01-22', occurredAt: NOW },
};

describe('publication decider', () => {
  it('Given nothing, When a decision is put, Then it is decided; the same again records nothing', () => {
    given([]).when(decide()).then(DECIDED);
    given([DECIDED]).when(decide()).thenNothingHappened();
  });

  it('Given a decision, When it is put with other facts, Then it changes', () => {
    given([DECIDED])
      .when(decide({ decisionNo: '13/QĐ-UBND' }))
      .then({
        type: 'PublicationDecisionChanged',
        data: { ...FACTS, decisionNo: '13/QĐ-UBND', occurredAt: NOW },
      });
  });

  it('refuses bad decisions naming the field (422)', () => {
    given([])
      .when(decide({ decidedOn: '2025-02-30' }))
      .thenThrows('INVALID_DATE');
    given([])
      .when(decide({ items: [] }))
      .thenThrows('NO_ITEMS');
    given([])
      .when(decide({ items: [FACTS.items[0], FACTS.items[0]] }))
      .thenThrows('DUPLICATE_ITEM');
    given([])
      .when(decide({ items: [{ procedureCode: 'PA', change: 'renamed' as never }] }))
      .thenThrows('MISSING_FIELD');
  });

  it('Given a decision, When an item is made public, Then once; the same day again is nothing, another day 409', () => {
    given([DECIDED]).when(makePublic('PA', '2025-01-22')).then(PUBLIC_PA);
    given([DECIDED, PUBLIC_PA]).when(makePublic('PA', '2025-01-22')).thenNothingHappened();
    given([DECIDED, PUBLIC_PA]).when(makePublic('PA', '2025-01-23')).thenThrows('ALREADY_MADE_PUBLIC');
  });

  it('refuses making public what the decision does not publish, before it, or with no decision', () => {
    given([DECIDED]).when(makePublic('PZ', '2025-01-22')).thenThrows('NOT_AN_ITEM');
    given([DECIDED]).when(makePublic('PA', '2025-01-19')).thenThrows('MADE_PUBLIC_BEFORE_DECISION');
    given([]).when(makePublic('PA', '2025-01-22')).thenThrows('PUBLICATION_NOT_FOUND');
  });

  it('Given an item made public, When the decision drops it, Then 409', () => {
    given([DECIDED, PUBLIC_PA])
      .when(decide({ items: [FACTS.items[1]] }))
      .thenThrows('MADE_PUBLIC_ITEM_REMOVED');
  });
});

describe('publication items: deadlines over the working-day calendar', () => {
  const calendar = defaultVietnamCalendar();
  const stateOf = (events: PublicationEvent[]): PublicationState =>
    events.reduce(publicationDecider.evolve, publicationDecider.initialState());

  it('1.1: decided on or before basisEffectiveOn − 5 working days (Tết 2025 does not count)', () => {
    // 10/2/2025 (Mon) − 5 working days: 7, 6, 5, 4, 3 February → 3/2 (Tết ran from 25/1 to 2/2).
    const onTime = (decidedOn: string) =>
      publicationItemsOf(
        stateOf([{ type: 'PublicationDecided', data: { ...FACTS, decidedOn, occurredAt: NOW } }]),
        calendar,
      )[0].decidedOnTime;
    expect(onTime('2025-02-03')).toBe(true);
    expect(onTime('2025-02-04')).toBe(false);
    expect(onTime('2025-01-24')).toBe(true);
  });

  it('1.2: made public by decidedOn + 5 working days; not yet made public, on time while that day is after end', () => {
    // 20/1/2025 (Mon) + 5 working days: 21, 22, 23, 24, then Tết until 2/2, 3/2 → 3/2.
    const [pa, pb] = publicationItemsOf(stateOf([DECIDED, PUBLIC_PA]), calendar);
    expect(pa.madePublicBy).toBe(startOfDayMs('2025-02-03'));
    expect(madePublicOnTimeAt(pa, startOfDayMs('2025-12-31'))).toBe(true);
    expect(pb.madePublicAt).toBeNull();
    expect(madePublicOnTimeAt(pb, startOfDayMs('2025-02-03') - 1)).toBe(true);
    expect(madePublicOnTimeAt(pb, startOfDayMs('2025-02-03'))).toBe(false);
    const late = publicationItemsOf(
      stateOf([DECIDED, { ...PUBLIC_PA, data: { ...PUBLIC_PA.data, madePublicOn: '2025-02-04' } }]),
      calendar,
    )[0];
    // Made public on the deadline day itself: on time (dates compare as dates).
    const onTheDay = publicationItemsOf(
      stateOf([DECIDED, { ...PUBLIC_PA, data: { ...PUBLIC_PA.data, madePublicOn: '2025-02-03' } }]),
      calendar,
    )[0];
    expect(madePublicOnTimeAt(onTheDay, startOfDayMs('2025-02-03') + 12 * 3_600_000)).toBe(true);
    expect(madePublicOnTimeAt(onTheDay, startOfDayMs('2025-12-31'))).toBe(true);
    // At 00:59 on 2/2, not yet public and the deadline (3/2, 00:00) still after end: on time for now.
    expect(madePublicOnTimeAt(late, startOfDayMs('2025-02-02') + 3_540_000)).toBe(true);
    // Once the deadline day has begun without it (the date stands for its first instant), late.
    expect(madePublicOnTimeAt(late, startOfDayMs('2025-02-03') + 3_600_000)).toBe(false);
    expect(madePublicOnTimeAt(late, startOfDayMs('2025-02-05'))).toBe(false);
  });
});
