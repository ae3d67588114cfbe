import type { DossierEvent } from '../dossier/dossier.events';
import { isOnTimeAt } from '../dossier/dossier.on-time';
import type { DossierFacts } from './dossier-facts';
import { computeScorecard, isOnTimeFacts } from './scorecard';
import type {
  ComputeScorecardInput,
  CriterionResult,
  Scorecard,
  ScorecardProcedureInput,
} from './scorecard.types';
import { bandOf, QD766_V1, type ScoringMethod } from './scoring-method';
import { DAY, e, foldFacts, HOUR, iso, received, UNITS, vn } from './scoring.fixtures';

const R = vn('2024-04-10T08:00'); // received in 2024-Q2
const Q2_END = Date.parse('2024-06-30T16:59:59.999Z');
const AS_OF = vn('2024-08-15T09:30');

const PROCEDURES: ScorecardProcedureInput[] = [
  { code: 'P1', units: ['U1', 'U2'], onlineLevel: 'full', feeRequired: true },
  { code: 'P2', units: ['U1'], onlineLevel: 'none', feeRequired: false },
  { code: 'P3', units: ['U1'], onlineLevel: 'partial', feeRequired: true },
  { code: 'P4', units: ['C1'], onlineLevel: 'full', feeRequired: false },
];

const dossiers = (...lists: DossierEvent[][]): DossierFacts[] => lists.map(foldFacts);

function card(facts: DossierFacts[], over: Partial<ComputeScorecardInput> = {}): Scorecard {
  return computeScorecard({
    method: QD766_V1,
    period: '2024-Q2',
    asOf: AS_OF,
    units: UNITS,
    procedures: PROCEDURES,
    facts,
    ...over,
  });
}
const row = (c: Scorecard, unitId: string) => {
  const r = unitId === 'province' ? c.province : c.units.find((u) => u.unitId === unitId);
  if (!r) throw new Error(`no row ${unitId}`);
  return r;
};
const crit = (c: Scorecard, unitId: string, id: string): CriterionResult => {
  for (const g of row(c, unitId).groups) for (const k of g.criteria) if (k.id === id) return k;
  throw new Error(`no criterion ${id}`);
};
/** [numerator, denominator] */
const nd = (c: Scorecard, unitId: string, id: string) => {
  const k = crit(c, unitId, id);
  return [k.numerator, k.denominator];
};
const on21 = (events: DossierEvent[], over: Partial<ComputeScorecardInput> = {}) =>
  nd(card(dossiers(events), over), 'U1', '2.1');

describe('the qd766-v1 method as data', () => {
  it('has the six groups and the criteria of SCORING.md, 100 points', () => {
    const shape = QD766_V1.groups.map((g) => [
      g.id,
      g.max,
      g.criteria.map(
        (c) => `${c.id}:${c.max}:${c.shape.kind === 'linear' ? 'L' : c.shape.t}${c.tracked ? '' : ':null'}`,
      ),
    ]);
    expect(shape).toEqual([
      ['transparency', 18, ['1.1:6:L:null', '1.2:4:L:null', '1.3:2:L:null', '1.4:6:L']],
      ['timeliness', 20, ['2.1:20:L']],
      ['online-services', 12, ['3.1:2:0.8', '3.2:4:L', '3.3:6:0.5']],
      ['online-payment', 10, ['4.1:2:0.8', '4.2:2:0.8', '4.3:6:L']],
      ['satisfaction', 18, ['5.1:6:L:null', '5.2:6:L:null', '5.3:6:0.9']],
      ['digitization', 22, ['6.1:6:L', '6.2:4:L', '6.3:2:0.8', '6.4:4:L', '6.5:6:L:null']],
    ]);
    for (const g of QD766_V1.groups) expect(g.criteria.reduce((s, c) => s + c.max, 0)).toBe(g.max);
    expect(QD766_V1.groups.reduce((s, g) => s + g.max, 0)).toBe(100);
    // "6 when there is no feedback", kept for when feedback is tracked.
    const sat = QD766_V1.groups.find((g) => g.id === 'satisfaction')!.criteria;
    expect(sat.filter((c) => c.whenEmpty === 'max').map((c) => c.id)).toEqual(['5.1', '5.2']);
  });

  it.each([
    [90, 'Xuất sắc'],
    [89.99, 'Tốt'],
    [80, 'Tốt'],
    [79.99, 'Khá'],
    [70, 'Khá'],
    [69.99, 'Trung bình'],
    [50, 'Trung bình'],
    [49.99, 'Yếu'],
    [0, 'Yếu'],
    [100, 'Xuất sắc'],
  ])('bands a total of %p as %s', (total, band) => expect(bandOf(QD766_V1, total)).toBe(band));
});

describe('computeScorecard: shape and nulls', () => {
  it('answers PRODUCT.md shape; a unit without dossiers appears with nulls', () => {
    const c = card([]);
    expect(c).toMatchObject({ period: '2024-Q2', method: 'qd766-v1', asOf: '2024-08-15T09:30:00.000+07:00' });
    expect(c.units.map((u) => [u.unitId, u.level, u.rank])).toEqual([
      ['U2', 'department', 1], // 3.1 = 1/1 beats U1's 2/3
      ['U1', 'department', 2],
      ['C1', 'commune', 1],
    ]);
    const u2 = row(c, 'U2');
    expect(Object.keys(u2).sort()).toEqual([
      'band',
      'groups',
      'level',
      'maxWithoutData',
      'name',
      'rank',
      'total',
      'unitId',
    ]);
    expect(u2.groups.map((g) => g.id)).toEqual([
      'transparency',
      'timeliness',
      'online-services',
      'online-payment',
      'satisfaction',
      'digitization',
    ]);
    expect(crit(c, 'U2', '2.1')).toEqual({
      id: '2.1',
      numerator: 0,
      denominator: 0,
      ratio: null,
      score: null,
      max: 20,
    });
    expect(crit(c, 'U2', '1.1')).toEqual({
      id: '1.1',
      numerator: null,
      denominator: null,
      ratio: null,
      score: null,
      max: 6,
    });
    // U2 lists only P1 (online, fee-bearing): 3.1 = 1/1, 3.2 = 0/1, 4.1 = 0/1; the rest is without data.
    expect(u2.groups.find((g) => g.id === 'timeliness')!.score).toBeNull();
    expect(u2.total).toBe(2);
    expect(u2.maxWithoutData).toBe(100 - 2 - 4 - 2);
    expect(u2.band).toBe('Yếu');
    expect(crit(c, 'U2', '4.2')).toMatchObject({ numerator: 0, denominator: 0, score: null });
  });

  it('counts the untracked criteria (1.1–1.3, 5.1, 5.2, 6.5) in maxWithoutData when everything else has data', () => {
    const c = card(
      dossiers([
        received({ code: 'A', channel: 'online', procedureCode: 'P1', receivedAt: R, feeAmount: 1000 }),
        e.synced(R + HOUR),
        e.digitized(R + HOUR, true, true),
        e.paidOnline(R + HOUR),
        e.processed(R + DAY),
        e.eResult(R + DAY),
      ]),
    );
    const u1 = row(c, 'U1');
    expect(u1.maxWithoutData).toBe(6 + 4 + 2 + 6 + 6 + 6);
    for (const id of ['1.1', '1.2', '1.3', '5.1', '5.2', '6.5']) expect(crit(c, 'U1', id).score).toBeNull();
    expect(u1.groups.find((g) => g.id === 'transparency')!.score).toBe(6);
    // 3.1: P1, P3 online of P1–P3: 2 × (2/3) / 0.8 = 1.67; 3.2: P1 of P1, P3 → 2; 4.1: P1 of P1, P3 → 2 × 0.5 / 0.8
    expect(crit(c, 'U1', '3.1')).toMatchObject({ numerator: 2, denominator: 3, ratio: 0.6667, score: 1.67 });
    expect(crit(c, 'U1', '3.2')).toMatchObject({ numerator: 1, denominator: 2, score: 2 });
    expect(crit(c, 'U1', '4.1')).toMatchObject({ numerator: 1, denominator: 2, score: 1.25 });
    // 6 + 20 + (1.67 + 2 + 6) + (1.25 + 2 + 6) + 6 + (6 + 4 + 2 + 4), added unrounded.
    expect(u1.total).toBe(66.92);
    expect(u1.band).toBe('Trung bình');
  });

  it('band is null when no criterion has data; a whenEmpty "max" criterion scores max on a zero denominator', () => {
    const c = card([], { procedures: [] });
    expect(row(c, 'U2')).toMatchObject({ total: 0, maxWithoutData: 100, band: null });
    const method: ScoringMethod = {
      ...QD766_V1,
      id: 'test',
      groups: QD766_V1.groups.map((g) => ({
        ...g,
        criteria: g.criteria.map((k) => (k.id === '1.4' ? { ...k, whenEmpty: 'max' as const } : k)),
      })),
    };
    const m = card([], { method, procedures: [] });
    expect(crit(m, 'U2', '1.4')).toMatchObject({ numerator: 0, denominator: 0, ratio: null, score: 6 });
    expect(row(m, 'U2')).toMatchObject({ total: 6, maxWithoutData: 94, band: 'Yếu' });
  });
});

describe('2.1 on time (SCORING.md "On time")', () => {
  const due = R + 5 * DAY;
  const base = (more: DossierEvent[] = []) => [received({ code: 'A', receivedAt: R, dueAt: due }), ...more];

  it('E = finishedAt when finished by end: on time at or before dueAt, late after', () => {
    expect(on21(base([e.processed(due)]))).toEqual([1, 1]);
    expect(on21(base([e.processed(due + 1)]))).toEqual([0, 1]);
    expect(on21(base([e.withdrawn(due - HOUR)]))).toEqual([1, 1]);
  });

  it('E = the first supplement request while it is open at end', () => {
    expect(on21(base([e.supplementRequested(due - HOUR)]))).toEqual([1, 1]);
    expect(on21(base([e.supplementRequested(due + HOUR)]))).toEqual([0, 1]);
    // Open at end, received between end and asOf: still open at end.
    expect(on21(base([e.supplementRequested(due - HOUR), e.supplementReceived(Q2_END + DAY)]))).toEqual([
      1, 1,
    ]);
  });

  it('E = end while pending: late once end passes dueAt, on time before', () => {
    expect(on21(base())).toEqual([0, 1]);
    expect(on21(base(), { asOf: due - HOUR })).toEqual([1, 1]);
    expect(on21(base(), { asOf: due })).toEqual([1, 1]);
    expect(on21(base(), { asOf: due + 1 })).toEqual([0, 1]);
  });

  it('subtracts closed supplement time', () => {
    const supp = [e.supplementRequested(R + DAY), e.supplementReceived(R + 3 * DAY)];
    expect(on21(base([...supp, e.processed(due + 2 * DAY)]))).toEqual([1, 1]);
    expect(on21(base([...supp, e.processed(due + 2 * DAY + 1)]))).toEqual([0, 1]);
    // Pending at end: still the 2 days back, but end is far past the due date.
    expect(on21(base(supp))).toEqual([0, 1]);
    expect(on21(base(supp), { asOf: due + 2 * DAY })).toEqual([1, 1]);
  });

  it('counts two supplement requests as late, however fast', () => {
    const two = [
      e.supplementRequested(R + HOUR),
      e.supplementReceived(R + 2 * HOUR),
      e.supplementRequested(R + 3 * HOUR),
      e.supplementReceived(R + 4 * HOUR),
    ];
    expect(on21(base([...two, e.processed(R + 5 * HOUR)]))).toEqual([0, 1]);
    // The second open at end: E = end, two requests: late.
    expect(on21(base([...two.slice(0, 3)]), { asOf: R + 6 * HOUR })).toEqual([0, 1]);
  });

  it('an apology does not save a late dossier', () => {
    expect(on21(base([e.apology(due - DAY, due + 10 * DAY), e.processed(due + DAY)]))).toEqual([0, 1]);
  });

  it('treats a dossier finished after asOf as pending', () => {
    const asOfMid = vn('2024-05-15T10:00');
    const late = [
      received({ code: 'A', receivedAt: R, dueAt: vn('2024-05-10T17:00') }),
      e.processed(vn('2024-05-20T10:00')),
      e.eResult(vn('2024-05-20T10:00')),
    ];
    expect(on21(late, { asOf: asOfMid })).toEqual([0, 1]);
    const inTime = [
      received({ code: 'A', receivedAt: R, dueAt: vn('2024-05-18T17:00') }),
      e.processed(vn('2024-05-20T10:00')),
      e.eResult(vn('2024-05-20T10:00')),
    ];
    const c = card(dossiers(inTime), { asOf: asOfMid });
    expect(nd(c, 'U1', '2.1')).toEqual([1, 1]);
    expect(nd(c, 'U1', '6.1')).toEqual([0, 0]);
    // Asked later, it is finished late.
    expect(on21(inTime)).toEqual([0, 1]);
  });

  it('judges at the period end a dossier finished after the period (but before asOf)', () => {
    expect(on21(base([e.processed(Q2_END + DAY)]), { asOf: AS_OF })).toEqual([0, 1]);
    const c = card(
      dossiers([received({ code: 'A', receivedAt: R, dueAt: Q2_END + 2 * DAY }), e.processed(Q2_END + DAY)]),
    );
    expect(nd(c, 'U1', '2.1')).toEqual([1, 1]);
    expect(nd(c, 'U1', '6.1')).toEqual([0, 0]);
  });

  it('handles carried-over dossiers: received before start and not finished before it', () => {
    const q1 = vn('2024-03-01T08:00');
    const c = card(
      dossiers(
        [received({ code: 'open', receivedAt: q1, dueAt: Q2_END + DAY })],
        [
          received({ code: 'finishedInQ2', receivedAt: q1, dueAt: vn('2024-04-02T08:00') }),
          e.processed(vn('2024-04-03T08:00')),
        ],
        [received({ code: 'finishedInQ1', receivedAt: q1 }), e.processed(vn('2024-03-31T23:59'))],
        [received({ code: 'afterEnd', receivedAt: Q2_END + 1 })],
      ),
      { explain: true },
    );
    expect(nd(c, 'U1', '2.1')).toEqual([1, 2]);
    expect(crit(c, 'U1', '2.1').explain).toEqual({
      kind: 'dossier',
      numerator: ['open'],
      lost: ['finishedInQ2'],
      truncated: false,
    });
    expect(nd(c, 'U1', '1.4')).toEqual([0, 0]); // none received in the period
    expect(crit(c, 'U1', '2.1')).toMatchObject({ ratio: 0.5, score: 10 });
  });

  it("agrees with the dossier decider's isOnTimeAt", () => {
    const cases: DossierEvent[][] = [
      base([e.processed(due)]),
      base([e.supplementRequested(due - HOUR)]),
      base([e.supplementRequested(R + DAY), e.supplementReceived(R + 3 * DAY), e.processed(due + 2 * DAY)]),
      base([
        e.supplementRequested(R + DAY),
        e.supplementReceived(R + 3 * DAY),
        e.supplementRequested(R + 4 * DAY),
      ]),
      base(),
    ];
    for (const events of cases) {
      const f = foldFacts(events);
      for (const end of [R + HOUR, due, due + DAY, due + 3 * DAY, Q2_END]) {
        const supplements = f.supplementRequestedAt.map((q, i) => ({
          requestedAt: iso(q),
          receivedAt: i < f.supplementReceivedAt.length ? iso(f.supplementReceivedAt[i]) : null,
        }));
        const decider = isOnTimeAt(
          { dueAt: iso(f.dueAt!), finishedAt: f.finishedAt === null ? null : iso(f.finishedAt), supplements },
          iso(end),
        );
        expect(isOnTimeFacts(f, end)).toBe(decider);
      }
    }
  });
});

describe('received-in-period criteria', () => {
  it('puts 2024-03-31T23:30+07:00 in Q1 and 2024-04-01T00:00+07:00 (17:00Z) in Q2', () => {
    const facts = dossiers(
      [received({ code: 'q1', receivedAt: vn('2024-03-31T23:30') }), e.processed(vn('2024-03-31T23:45'))],
      [
        received({ code: 'q2', receivedAt: Date.parse('2024-03-31T17:00:00Z') }),
        e.processed(vn('2024-04-01T01:00')),
      ],
    );
    const q2 = card(facts, { explain: true });
    expect(nd(q2, 'U1', '1.4')).toEqual([0, 1]);
    expect(crit(q2, 'U1', '1.4').explain!.lost).toEqual(['q2']);
    const q1 = card(facts, { period: '2024-Q1', explain: true });
    expect(crit(q1, 'U1', '1.4').explain!.lost).toEqual(['q1']);
    expect(nd(card(facts, { period: '2024-04' }), 'U1', '1.4')).toEqual([0, 1]);
    expect(nd(card(facts, { period: '2024' }), 'U1', '1.4')).toEqual([0, 2]);
  });

  it('1.4 counts a sync up to asOf, even after the period; not after asOf', () => {
    const facts = dossiers([received({ code: 'A', receivedAt: R }), e.synced(Q2_END + DAY)]);
    expect(nd(card(facts), 'U1', '1.4')).toEqual([1, 1]);
    expect(nd(card(facts, { asOf: Q2_END }), 'U1', '1.4')).toEqual([0, 1]);
    expect(crit(card(facts), 'U1', '1.4')).toMatchObject({ ratio: 1, score: 6 });
  });

  it.each([
    [1, 4, 3], // 0.25 < T = 0.5: 6 × 0.25 / 0.5
    [2, 4, 6], // at T
    [3, 4, 6], // above T: capped
  ])('3.3 threshold 0.5: %p online of %p → %p', (online, all, score) => {
    const facts = Array.from({ length: all }, (_, i) =>
      foldFacts([
        received({ code: `D${i}`, receivedAt: R + i, channel: i < online ? 'online' : 'in-person' }),
      ]),
    );
    expect(crit(card(facts), 'U1', '3.3')).toMatchObject({ numerator: online, denominator: all, score });
  });

  it.each([
    [3, 5, 1.5], // 0.6 < T = 0.8: 2 × 0.6 / 0.8
    [4, 5, 2], // at T
    [5, 5, 2], // above
  ])('6.3 threshold 0.8: %p reused of %p → %p', (reused, all, score) => {
    const facts = Array.from({ length: all }, (_, i) =>
      foldFacts([received({ code: `D${i}`, receivedAt: R }), e.digitized(R + HOUR, i < reused)]),
    );
    expect(crit(card(facts), 'U1', '6.3')).toMatchObject({ numerator: reused, denominator: all, score });
    expect(crit(card(facts), 'U1', '6.2')).toMatchObject({ numerator: all, denominator: all, score: 4 });
  });

  it('6.2 is linear (the portal), 6.4 counts papers from the personal data store', () => {
    const facts = Array.from({ length: 4 }, (_, i) =>
      foldFacts([
        received({ code: `D${i}`, receivedAt: R }),
        ...(i < 3 ? [e.digitized(R + HOUR, false, i === 0)] : []),
      ]),
    );
    expect(crit(card(facts), 'U1', '6.2')).toMatchObject({
      numerator: 3,
      denominator: 4,
      ratio: 0.75,
      score: 3,
    });
    expect(crit(card(facts), 'U1', '6.4')).toMatchObject({
      numerator: 1,
      denominator: 4,
      ratio: 0.25,
      score: 1,
    });
  });

  it('4.3: dossiers with a fee (at receipt or requested later, up to asOf) and paid online (up to asOf)', () => {
    const facts = dossiers(
      [
        received({ code: 'feeAtReceipt', procedureCode: 'P1', receivedAt: R, feeAmount: 5000 }),
        e.paidOnline(R + HOUR),
      ],
      [
        received({ code: 'feeLater', procedureCode: 'P3', receivedAt: R }),
        e.paymentRequested(Q2_END + DAY, 5000),
        e.paidOnline(Q2_END + 2 * DAY),
      ],
      [
        received({ code: 'paidOffline', procedureCode: 'P3', receivedAt: R, feeAmount: 5000 }),
        e.paidOffline(R + HOUR),
      ],
      [received({ code: 'noFee', procedureCode: 'P2', receivedAt: R })],
      [
        received({ code: 'feeAfterAsOf', procedureCode: 'P2', receivedAt: R }),
        e.paymentRequested(AS_OF + 1, 5000),
      ],
    );
    const c = card(facts, { explain: true });
    expect(crit(c, 'U1', '4.3')).toMatchObject({ numerator: 2, denominator: 3, score: 4 });
    expect(crit(c, 'U1', '4.3').explain).toMatchObject({
      numerator: ['feeAtReceipt', 'feeLater'],
      lost: ['paidOffline'],
    });
    // 4.1: fee-bearing P1, P3 both have a fee dossier; 4.2: P1, P3 paid online of P1, P3.
    expect(crit(c, 'U1', '4.1')).toMatchObject({ numerator: 2, denominator: 2, score: 2 });
    expect(crit(c, 'U1', '4.2')).toMatchObject({ numerator: 2, denominator: 2, score: 2 });
    // As the period stood at its end: the later fee does not exist yet.
    const atEnd = card(facts, { asOf: Q2_END });
    expect(nd(atEnd, 'U1', '4.3')).toEqual([1, 2]);
    expect(nd(atEnd, 'U1', '4.2')).toEqual([1, 2]);
    expect(crit(atEnd, 'U1', '4.2')).toMatchObject({ ratio: 0.5, score: 1.25 });
  });

  it("3.1 / 3.2 / 4.1 / 4.2 count the unit's catalogue procedures as of the period end", () => {
    const facts = dossiers(
      [received({ code: 'A', procedureCode: 'P3', channel: 'online', receivedAt: R })],
      [received({ code: 'B', procedureCode: 'P1', channel: 'online', receivedAt: R, unitId: 'U2' })],
    );
    const c = card(facts, { explain: true });
    expect(crit(c, 'U1', '3.2')).toMatchObject({ numerator: 1, denominator: 2, score: 2 });
    expect(crit(c, 'U1', '3.2').explain).toEqual({
      kind: 'procedure',
      numerator: ['P3'],
      lost: ['P1'],
      truncated: false,
    });
    expect(crit(c, 'U2', '3.2')).toMatchObject({ numerator: 1, denominator: 1, score: 4 });
    expect(crit(c, 'U1', '3.1').explain).toMatchObject({ numerator: ['P1', 'P3'], lost: ['P2'] });
    // Dated versions: P2 goes online after the period: not yet at its end; P5 not yet defined.
    const versions = (
      code: string,
      units: string[],
      ...v: [string, 'none' | 'full'][]
    ): ScorecardProcedureInput => ({
      code,
      versions: v.map(([from, onlineLevel]) => ({
        code,
        name: code,
        units,
        timeLimit: { value: 5, unit: 'working-days' as const },
        onlineLevel,
        feeRequired: false,
        requiresWrittenResult: true,
        effectiveFrom: `${from}T00:00:00+07:00`,
      })),
    });
    const dated = card(facts, {
      procedures: [
        versions('P2', ['U1'], ['2024-01-01', 'none'], ['2024-07-01', 'full']),
        versions('P6', ['U1'], ['2024-01-01', 'none'], ['2024-06-30', 'full']),
        versions('P5', ['U1'], ['2024-07-01', 'full']),
      ],
    });
    expect(nd(dated, 'U1', '3.1')).toEqual([1, 2]);
  });

  it('6.1: dossiers finished in the period whose procedure requires a written result', () => {
    const facts = dossiers(
      [received({ code: 'A', receivedAt: R }), e.processed(R + DAY), e.eResult(R + DAY)],
      [received({ code: 'B', receivedAt: R }), e.processed(R + DAY)],
      [received({ code: 'C', receivedAt: R, requiresWrittenResult: false }), e.processed(R + DAY)],
      [received({ code: 'D', receivedAt: vn('2024-03-01T08:00') }), e.returned(R), e.eResult(Q2_END + DAY)],
      [received({ code: 'E', receivedAt: R })],
    );
    const c = card(facts, { explain: true });
    expect(crit(c, 'U1', '6.1')).toMatchObject({ numerator: 2, denominator: 3, score: 4 });
    expect(crit(c, 'U1', '6.1').explain).toMatchObject({ numerator: ['A', 'D'], lost: ['B'] });
    expect(nd(card(facts, { asOf: Q2_END }), 'U1', '6.1')).toEqual([1, 3]);
  });
});

describe('5.3 satisfaction with handling', () => {
  const ok = (code: string, ...more: DossierEvent[]) => [
    received({ code, receivedAt: R }),
    e.processed(R + DAY),
    ...more,
  ];

  it.each([
    [8, 10, 5.33], // 0.8 < T = 0.9
    [9, 10, 6], // at T
    [10, 10, 6],
  ])('threshold 0.9: %p of %p → %p', (good, all, score) => {
    const facts = Array.from({ length: all }, (_, i) =>
      foldFacts(i < good ? ok(`D${i}`) : ok(`D${i}`, e.rated(R + 2 * DAY, false))),
    );
    expect(crit(card(facts), 'U1', '5.3')).toMatchObject({ numerator: good, denominator: all, score });
  });

  it('neither late nor rated unsatisfied; the latest rating up to asOf counts', () => {
    const facts = dossiers(
      ok('good'),
      ok('unsatisfied', e.rated(R + 2 * DAY, false)),
      ok('changedMind', e.rated(R + 2 * DAY, false), e.rated(R + 3 * DAY, true)),
      ok('ratedAfterAsOf', e.rated(AS_OF + 1, false)),
      ok('ratedAfterPeriod', e.rated(Q2_END + DAY, false)),
      [
        received({ code: 'late', receivedAt: R, dueAt: R + HOUR }),
        e.processed(R + DAY),
        e.rated(R + 2 * DAY, true),
      ],
    );
    const c = card(facts, { explain: true });
    expect(crit(c, 'U1', '5.3').explain).toMatchObject({
      numerator: ['changedMind', 'good', 'ratedAfterAsOf'], // in code order
      lost: ['late', 'ratedAfterPeriod', 'unsatisfied'],
    });
    expect(nd(card(facts, { asOf: Q2_END }), 'U1', '5.3')).toEqual([4, 6]);
  });
});

describe('ranks, province, filters, explain', () => {
  it('ranks within each level by total, ties by the 2.1 score, then by unit id', () => {
    // A method of two criteria makes equal totals with different 2.1 scores easy to build.
    const method: ScoringMethod = {
      id: 'tie-test',
      bands: QD766_V1.bands,
      groups: [
        {
          id: 'timeliness',
          name: 't',
          max: 10,
          criteria: [
            {
              id: '2.1',
              max: 10,
              shape: { kind: 'linear' },
              basis: 'dossier',
              tracked: true,
              whenEmpty: 'null',
            },
          ],
        },
        {
          id: 'online-services',
          name: 'o',
          max: 10,
          criteria: [
            {
              id: '3.3',
              max: 10,
              shape: { kind: 'linear' },
              basis: 'dossier',
              tracked: true,
              whenEmpty: 'null',
            },
          ],
        },
      ],
    };
    const units = [
      { unitId: 'A', name: 'a', level: 'department' as const },
      { unitId: 'B', name: 'b', level: 'department' as const },
      { unitId: 'C', name: 'c', level: 'department' as const },
      { unitId: 'D', name: 'd', level: 'department' as const },
      { unitId: 'X', name: 'x', level: 'commune' as const },
    ];
    const facts = dossiers(
      // A: late, online → 0 + 10
      [
        received({ code: 'a', unitId: 'A', receivedAt: R, dueAt: R + 1, channel: 'online' }),
        e.processed(R + DAY),
      ],
      // B: on time, in person → 10 + 0 (ties A on total, wins on 2.1)
      [received({ code: 'b', unitId: 'B', receivedAt: R }), e.processed(R + HOUR)],
      // C: on time and online → 20
      [received({ code: 'c', unitId: 'C', receivedAt: R, channel: 'online' }), e.processed(R + HOUR)],
      // D: like A → ties A on both, loses on id
      [
        received({ code: 'd', unitId: 'D', receivedAt: R, dueAt: R + 1, channel: 'online' }),
        e.processed(R + DAY),
      ],
      [received({ code: 'x', unitId: 'X', receivedAt: R }), e.processed(R + DAY)],
    );
    const c = card(facts, { method, units, procedures: [] });
    expect(c.units.map((u) => [u.unitId, u.total, u.rank])).toEqual([
      ['C', 20, 1],
      ['B', 10, 2],
      ['A', 10, 3],
      ['D', 10, 4],
      ['X', 10, 1],
    ]);
    // Filters show fewer rows but keep the ranks.
    expect(
      card(facts, { method, units, procedures: [], onlyUnitIds: ['A'] }).units.map((u) => [u.unitId, u.rank]),
    ).toEqual([['A', 3]]);
    expect(
      card(facts, { method, units, procedures: [], level: 'commune' }).units.map((u) => u.unitId),
    ).toEqual(['X']);
  });

  it("aggregates the province over all units' dossiers (not an average) and counts distinct procedures", () => {
    const facts = dossiers(
      [
        received({ code: 'u1', unitId: 'U1', procedureCode: 'P1', channel: 'online', receivedAt: R }),
        e.processed(R + HOUR),
      ],
      ...[1, 2, 3].map((i) => [
        received({ code: `u2-${i}`, unitId: 'U2', procedureCode: 'P1', receivedAt: R, dueAt: R + 1 }),
        e.processed(R + DAY),
      ]),
      [received({ code: 'stranger', unitId: 'NOT-A-UNIT', receivedAt: R })],
    );
    const c = card(facts, { level: 'commune', provinceName: 'Quảng Nam' });
    expect(c.units.map((u) => u.unitId)).toEqual(['C1']);
    expect(c.province).toMatchObject({ unitId: 'province', name: 'Quảng Nam', level: 'province' });
    expect(c.province).not.toHaveProperty('rank');
    expect(crit(c, 'province', '2.1')).toMatchObject({ numerator: 1, denominator: 4, ratio: 0.25, score: 5 });
    // P1 is listed by U1 and U2: once. Catalogue: P1, P2, P3, P4 (3 online).
    expect(nd(c, 'province', '3.1')).toEqual([3, 4]);
    expect(nd(c, 'province', '3.2')).toEqual([1, 3]);
    expect(nd(c, 'province', '3.3')).toEqual([1, 4]);
    const all = card(facts);
    expect(nd(all, 'U1', '2.1')).toEqual([1, 1]);
    expect(nd(all, 'U2', '2.1')).toEqual([0, 3]);
  });

  it("the province's 4.2 counts catalogue procedures only; a unit's counts any code its dossiers name", () => {
    const paid = (code: string, procedureCode: string) => [
      received({ code, procedureCode, receivedAt: R, feeAmount: 5000 }),
      e.paidOnline(R + HOUR),
    ];
    // P9 is not in the catalogue at the period's end (facts imported from elsewhere, say).
    const facts = dossiers(paid('a', 'P1'), paid('b', 'P9'), [
      received({ code: 'c', procedureCode: 'P3', receivedAt: R, feeAmount: 5000 }),
    ]);
    const c = card(facts);
    expect(nd(c, 'U1', '4.2')).toEqual([2, 3]);
    expect(nd(c, 'province', '4.2')).toEqual([1, 2]);
    expect(nd(c, 'province', '4.1')).toEqual([2, 2]);
  });

  it('caps the explained codes', () => {
    const facts = Array.from({ length: 7 }, (_, i) =>
      foldFacts([received({ code: `D${i}`, receivedAt: R })]),
    );
    const x = crit(card(facts, { explain: true, explainLimit: 3 }), 'U1', '1.4').explain;
    expect(x).toEqual({ kind: 'dossier', numerator: [], lost: ['D0', 'D1', 'D2'], truncated: true });
    expect(crit(card(facts), 'U1', '1.4').explain).toBeUndefined();
  });

  it('accepts any iterable of facts and an epoch-ms asOf', () => {
    const facts = dossiers([received({ code: 'A', receivedAt: R }), e.processed(R + HOUR)]);
    const fromArray = card(facts);
    expect(card([], { facts: new Set(facts).values(), asOf: AS_OF })).toEqual(fromArray);
    expect(card(facts, { asOf: iso(AS_OF) })).toEqual(fromArray);
  });

  it('refuses a bad period', () => {
    expect(() => card([], { period: '2024-Q7' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PERIOD', kind: 'rule' }),
    );
  });
});
