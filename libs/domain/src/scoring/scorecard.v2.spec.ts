// Method qd766-v2's criteria (SCORING.md, the parts marked v2) on small hand-made inputs; the scenario e2e
// compares a whole province with an independent recomputation.
import type { FeedbackFacts, FeedbackUnitFacts } from '../feedback/feedback-facts';
import type { PublicationItemFacts } from '../publication/publication-facts';
import { evolveFacts, initialFacts, type DossierFacts } from './dossier-facts';
import { FactsTable } from './facts-table';
import { computeScorecard } from './scorecard';
import type { ComputeScorecardInput, CriterionResult, Scorecard } from './scorecard.types';
import { DAY, e, received, vn } from './scoring.fixtures';
import { QD766_V1, QD766_V2 } from './scoring-method';

const ALL7 = ['name', 'steps', 'methods', 'dossier', 'timeLimit', 'subjects', 'agency'];
const UNITS: ComputeScorecardInput['units'] = [
  { unitId: 'D1', name: 'Sở', level: 'department' },
  { unitId: 'H1', name: 'Huyện', level: 'district' },
  {
    unitId: 'C1',
    name: 'Xã 1',
    level: 'commune',
    parentId: 'H1',
    electronicCertifiedCopySince: '2025-02-01',
  },
  { unitId: 'C2', name: 'Xã 2', level: 'commune', parentId: 'H1' },
];
const PROCS: ComputeScorecardInput['procedures'] = [
  {
    code: 'PA',
    units: ['D1'],
    onlineLevel: 'full',
    feeRequired: false,
    forCitizens: false,
    publicComponents: ALL7,
  },
  { code: 'PB', units: ['D1', 'C1'], onlineLevel: 'none', feeRequired: false, publicComponents: ALL7 },
  {
    code: 'PC',
    units: ['C1', 'C2'],
    onlineLevel: 'none',
    feeRequired: false,
    publicComponents: ALL7.slice(1),
  },
];
const day = (d: string) => vn(`${d}T00:00`);
const item = (
  procedureCode: string,
  decidedOn: string,
  over: Partial<PublicationItemFacts> = {},
): PublicationItemFacts => ({
  publicationId: `Q-${decidedOn}`,
  decisionNo: 'x',
  procedureCode,
  change: 'amended',
  decidedAt: day(decidedOn),
  decidedOnTime: true,
  madePublicBy: day(decidedOn) + 7 * DAY,
  madePublicAt: day(decidedOn) + DAY,
  ...over,
});

const facts = (
  code: string,
  unitId: string,
  procedureCode: string,
  at: number,
  extra = {},
): DossierFacts => ({
  ...[received({ code, unitId, procedureCode, receivedAt: at }), e.processed(at + DAY)].reduce(
    evolveFacts,
    initialFacts(code),
  ),
  ...extra,
});

const holding = (unitId: string, from: number, over: Partial<FeedbackUnitFacts> = {}): FeedbackUnitFacts => ({
  id: 'F',
  unitId,
  receivedAt: from,
  finishedAt: null,
  finishedBy: null,
  rejectOrForwardBy: from + 2 * DAY,
  informationRequestBy: from + 5 * DAY,
  answerBy: from + 15 * DAY,
  rejectedOrForwardedAt: null,
  firstInformationRequestAt: null,
  answeredAt: null,
  publishBy: null,
  publishedAt: null,
  ...over,
});
const feedback = (
  id: string,
  holdings: FeedbackUnitFacts[],
  over: Partial<FeedbackFacts> = {},
): FeedbackFacts => ({
  id,
  unitId: holdings[0].unitId,
  receivedAt: holdings[0].receivedAt,
  about: 'procedure',
  procedureCode: null,
  dossierCode: null,
  holdings: holdings.map((h) => ({ ...h, id })),
  ratings: [],
  repeatOf: null,
  repeatMarkedAt: null,
  ...over,
});

const criterion = (card: Scorecard, unitId: string, id: string): CriterionResult => {
  const row = unitId === 'province' ? card.province : card.units.find((u) => u.unitId === unitId)!;
  return row.groups.flatMap((g) => g.criteria).find((c) => c.id === id)!;
};
const nd = (c: CriterionResult) => [c.numerator, c.denominator, c.score];

const card = (over: Partial<ComputeScorecardInput> = {}): Scorecard =>
  computeScorecard({
    method: QD766_V2,
    period: '2025-Q1',
    asOf: vn('2025-06-01T00:00'),
    units: UNITS,
    procedures: PROCS,
    facts: [],
    ...over,
  });

describe('qd766-v2: publication (1.1–1.3)', () => {
  it('scores 1.1 and 1.2 in full with 0/0 when nothing was published, 1.3 null when nothing is public', () => {
    const c = card();
    expect(nd(criterion(c, 'D1', '1.1'))).toEqual([0, 0, 6]);
    expect(criterion(c, 'D1', '1.1').ratio).toBeNull();
    expect(nd(criterion(c, 'D1', '1.2'))).toEqual([0, 0, 4]);
    expect(nd(criterion(c, 'D1', '1.3'))).toEqual([0, 0, null]);
    // No dossiers: 1.3, 1.4, 2.1, 3.3, 4.1–4.3, 5.3, 6.1–6.4, 6.5a (a department), 6.5b have no data.
    expect(c.units.find((u) => u.unitId === 'D1')!.maxWithoutData).toBe(70);
  });

  it('counts a procedure once per unit listing it, on time only when every decision of the period was', () => {
    const c = card({
      publications: [
        item('PB', '2025-01-10'),
        item('PB', '2025-02-10', { decidedOnTime: false }),
        item('PA', '2025-03-03', { madePublicAt: null, madePublicBy: day('2025-03-10') }),
        item('PC', '2024-12-20', { decidedOnTime: false }), // before the period
      ],
    });
    expect(nd(criterion(c, 'D1', '1.1'))).toEqual([1, 2, 3]);
    expect(nd(criterion(c, 'D1', '1.2'))).toEqual([1, 2, 2]); // PA not public by its deadline (10/3 < end)
    expect(nd(criterion(c, 'C1', '1.1'))).toEqual([0, 1, 0]);
    expect(nd(criterion(c, 'province', '1.1'))).toEqual([1, 2, 3]);
  });

  it('1.2: an item not made public by end is late once its deadline is not after end', () => {
    const pending = item('PA', '2025-03-03', { madePublicAt: null, madePublicBy: day('2025-03-10') });
    expect(nd(criterion(card({ publications: [pending] }), 'D1', '1.2'))).toEqual([0, 1, 0]);
    const early = card({ publications: [pending], asOf: vn('2025-03-09T12:00') });
    expect(nd(criterion(early, 'D1', '1.2'))).toEqual([1, 1, 4]);
  });

  it('1.3: public procedures at end with all seven components; an abolition since makes it not public', () => {
    const publications = [
      item('PA', '2024-11-01'),
      item('PB', '2024-11-01'),
      item('PC', '2024-11-01'),
      item('PB', '2025-02-01', { change: 'abolished', madePublicAt: day('2025-02-02') }),
    ];
    const c = card({ publications });
    expect(nd(criterion(c, 'D1', '1.3'))).toEqual([1, 1, 2]); // PA; PB abolished
    expect(nd(criterion(c, 'C1', '1.3'))).toEqual([0, 1, 0]); // PC lacks a component
    expect(nd(criterion(c, 'province', '1.3'))).toEqual([1, 2, 1]);
    const before = card({ publications, period: '2025-01' });
    expect(nd(criterion(before, 'D1', '1.3'))).toEqual([2, 2, 2]);
    const again = card({ publications: [...publications, item('PB', '2025-03-01', { change: 'new' })] });
    expect(nd(criterion(again, 'D1', '1.3'))).toEqual([2, 2, 2]);
  });

  it('1.3: an abolition decided on or after the decision a procedure was made public under ends it, made public later or not', () => {
    const publications = [
      // Published and abolished the same day (zero-length validity), made public two days later.
      item('PA', '2025-01-10', { change: 'new', madePublicAt: day('2025-01-12') }),
      item('PA', '2025-01-10', { change: 'abolished', publicationId: 'Q-abolish' }),
      // Abolished between its decision and the day it was made public.
      item('PB', '2025-02-03', { madePublicAt: day('2025-02-06') }),
      item('PB', '2025-02-04', { change: 'abolished' }),
    ];
    const c = card({ publications });
    expect(nd(criterion(c, 'D1', '1.3'))).toEqual([0, 0, null]);
    expect(nd(criterion(c, 'province', '1.3'))).toEqual([0, 0, null]);
    // Both still count in 1.1 and 1.2, once per unit listing them, the abolitions' items included.
    expect(nd(criterion(c, 'D1', '1.1'))).toEqual([2, 2, 6]);
    expect(nd(criterion(c, 'C1', '1.2'))).toEqual([1, 1, 4]);
    // Decided again after the abolition and made public: public.
    const again = card({ publications: [...publications, item('PA', '2025-01-11', { change: 'new' })] });
    expect(nd(criterion(again, 'D1', '1.3'))).toEqual([1, 1, 2]);
  });

  it('counts a procedure once for a unit the catalogue lists twice', () => {
    const procedures = [{ ...PROCS[0], units: ['D1', 'D1'] }];
    const c = card({ procedures, publications: [item('PA', '2025-01-10')] });
    expect(nd(criterion(c, 'D1', '1.1'))).toEqual([1, 1, 6]);
    expect(nd(criterion(c, 'D1', '1.3'))).toEqual([1, 1, 2]);
    expect(nd(criterion(c, 'D1', '3.1'))).toEqual([1, 1, 2]);
  });
});

describe('qd766-v2: certified copies and identities (6.5a–c)', () => {
  it('6.5a: a commune 2 or 0, a district over its communes, a department null, the province all communes', () => {
    const c = card();
    expect(nd(criterion(c, 'C1', '6.5a'))).toEqual([1, 1, 2]);
    expect(nd(criterion(c, 'C2', '6.5a'))).toEqual([0, 1, 0]);
    expect(nd(criterion(c, 'H1', '6.5a'))).toEqual([1, 2, 1]);
    expect(nd(criterion(c, 'D1', '6.5a'))).toEqual([0, 0, null]);
    expect(nd(criterion(c, 'province', '6.5a'))).toEqual([1, 2, 1]);
    expect(nd(criterion(card({ period: '2025-01' }), 'C1', '6.5a'))).toEqual([0, 1, 0]); // effective 1/2
  });

  it('6.5b and 6.5c from the receipts, the same from objects and from columns', () => {
    const list = [
      facts('a', 'D1', 'PA', vn('2025-01-05T09:00'), { identified: true }),
      facts('b', 'D1', 'PB', vn('2025-01-06T09:00'), { identified: true }),
      facts('c', 'D1', 'PB', vn('2025-01-07T09:00')),
      facts('d', 'C1', 'PC', vn('2025-01-07T09:00')),
    ];
    for (const f of [list, FactsTable.from(list)]) {
      const c = card({ facts: f });
      expect(nd(criterion(c, 'D1', '6.5b'))).toEqual([2, 3, 1.33]);
      expect(nd(criterion(c, 'D1', '6.5c'))).toEqual([1, 1, 2]); // PA is not for citizens
      expect(nd(criterion(c, 'C1', '6.5c'))).toEqual([0, 2, 0]);
      expect(nd(criterion(c, 'province', '6.5c'))).toEqual([1, 2, 1]);
    }
  });
});

describe('qd766-v2: feedback (5.1, 5.2, 5.3)', () => {
  const t0 = vn('2025-02-03T09:00');
  const forwarded = feedback('F1', [
    holding('D1', t0, { finishedAt: t0 + DAY, finishedBy: 'forwarded', rejectedOrForwardedAt: t0 + DAY }),
    holding('C1', t0 + DAY, { answeredAt: t0 + 20 * DAY }), // answered late
  ]);
  const unhappy = feedback(
    'F2',
    [holding('D1', t0, { answeredAt: t0 + DAY, publishBy: t0 + 3 * DAY, publishedAt: t0 + 2 * DAY })],
    {
      ratings: [{ at: vn('2025-05-01T09:00'), satisfied: false }],
      dossierCode: 'x1',
    },
  );

  it('a forwarded item counts for each unit that held it; rating and repeat count up to asOf', () => {
    const c = card({ feedback: [forwarded, unhappy] });
    expect(nd(criterion(c, 'D1', '5.1'))).toEqual([2, 2, 6]);
    expect(nd(criterion(c, 'D1', '5.2'))).toEqual([1, 2, 3]); // F2 rated unsatisfied by asOf
    expect(nd(criterion(c, 'C1', '5.1'))).toEqual([0, 1, 0]);
    expect(nd(criterion(c, 'province', '5.1'))).toEqual([2, 3, 4]);
    const earlier = card({ feedback: [forwarded, unhappy], asOf: vn('2025-04-01T00:00') });
    expect(nd(criterion(earlier, 'D1', '5.2'))).toEqual([2, 2, 6]);
    expect(nd(criterion(card({ feedback: [] }), 'D1', '5.1'))).toEqual([0, 0, 6]);
  });

  it('a unit holding an item twice (forwarded away and back) counts it once, on time only if both holdings were', () => {
    const back = (late: boolean) =>
      feedback('F3', [
        holding('D1', t0, { finishedAt: t0 + DAY, finishedBy: 'forwarded', rejectedOrForwardedAt: t0 + DAY }),
        holding('C1', t0 + DAY, {
          finishedAt: t0 + 2 * DAY,
          finishedBy: 'forwarded',
          rejectedOrForwardedAt: t0 + 2 * DAY,
        }),
        holding('D1', t0 + 2 * DAY, {
          answeredAt: t0 + (late ? 20 : 3) * DAY,
          publishBy: t0 + (late ? 22 : 5) * DAY,
          publishedAt: t0 + (late ? 21 : 4) * DAY,
        }),
      ]);
    const onTime = card({ feedback: [back(false)] });
    expect(nd(criterion(onTime, 'D1', '5.1'))).toEqual([1, 1, 6]);
    expect(nd(criterion(onTime, 'D1', '5.2'))).toEqual([1, 1, 6]);
    expect(nd(criterion(onTime, 'province', '5.1'))).toEqual([2, 2, 6]); // D1 once, C1 once
    const late = card({ feedback: [back(true)] });
    expect(nd(criterion(late, 'D1', '5.1'))).toEqual([0, 1, 0]);
    expect(nd(criterion(late, 'D1', '5.2'))).toEqual([0, 1, 0]);
    expect(nd(criterion(late, 'C1', '5.1'))).toEqual([1, 1, 6]);
    // A period in which only the second holding was handled: still the unit's one item, first received
    // before the period (5.2 does not count it).
    const april = card({ feedback: [back(true)], period: '2025-03' });
    expect(nd(criterion(april, 'D1', '5.1'))).toEqual([0, 1, 0]);
    expect(nd(criterion(april, 'D1', '5.2'))).toEqual([0, 0, 6]);
  });

  it('5.3 (v2) loses a dossier a feedback item names, received at or before end; v1 does not', () => {
    const list = [
      facts('x1', 'D1', 'PB', vn('2025-01-05T09:00')),
      facts('x2', 'D1', 'PB', vn('2025-01-06T09:00')),
    ];
    for (const f of [list, FactsTable.from(list)]) {
      expect(nd(criterion(card({ facts: f, feedback: [unhappy] }), 'D1', '5.3'))).toEqual([
        1,
        2,
        3.33, // threshold 0.9: 6 × 0.5 / 0.9
      ]);
      expect(nd(criterion(card({ facts: f, feedback: [unhappy], period: '2025-01' }), 'D1', '5.3'))).toEqual([
        2, 2, 6,
      ]);
      const v1 = card({ facts: f, feedback: [unhappy], method: QD766_V1 });
      expect(nd(criterion(v1, 'D1', '5.3'))).toEqual([2, 2, 6]);
      expect(nd(criterion(v1, 'D1', '5.1'))).toEqual([null, null, null]);
    }
  });

  it('explains: the items, procedures and communes behind the criteria', () => {
    const c = card({
      feedback: [forwarded, unhappy],
      publications: [item('PB', '2025-01-10', { decidedOnTime: false })],
      explain: true,
      onlyUnitIds: ['D1', 'H1'],
    });
    expect(criterion(c, 'D1', '5.2').explain).toEqual({
      kind: 'feedback',
      numerator: ['F1'],
      lost: ['F2'],
      truncated: false,
    });
    expect(criterion(c, 'D1', '1.1').explain).toEqual({
      kind: 'procedure',
      numerator: [],
      lost: ['PB'],
      truncated: false,
    });
    expect(criterion(c, 'H1', '6.5a').explain).toEqual({
      kind: 'unit',
      numerator: ['C1'],
      lost: ['C2'],
      truncated: false,
    });
  });
});
