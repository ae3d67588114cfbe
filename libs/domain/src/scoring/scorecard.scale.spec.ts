// 100,000 generated dossiers: the one-pass scan must agree with a plain, obviously-correct count per
// unit (filters over the facts, the decider's isOnTimeAt on ISO instants). Correctness only: no timing.
import { isOnTimeAt } from '../dossier/dossier.on-time';
import type { DossierFacts } from './dossier-facts';
import { FactsTable } from './facts-table';
import { parsePeriod } from './periods';
import { computeScorecard } from './scorecard';
import type { CriterionResult, Scorecard } from './scorecard.types';
import { QD766_V1 } from './scoring-method';
import { generateFacts, iso, vn } from './scoring.fixtures';

const { units, procedures, facts } = generateFacts(
  100_000,
  vn('2023-01-01T00:00'),
  vn('2025-01-01T00:00'),
  7,
  60,
  400,
);

const table = FactsTable.from(facts);

type Counts = Record<string, [number, number]>;

function reference(unitFacts: readonly DossierFacts[], period: string, asOf: number): Counts {
  const p = parsePeriod(period);
  const start = p.start;
  const end = Math.min(p.last, asOf);
  const by = (t: number | null) => t !== null && t <= asOf;
  const rec = unitFacts.filter((f) => f.receivedAt! >= start && f.receivedAt! <= end);
  const handled = unitFacts.filter(
    (f) => f.receivedAt! <= end && !(f.finishedAt !== null && f.finishedAt < start),
  );
  const onTime = (f: DossierFacts) =>
    isOnTimeAt(
      {
        dueAt: iso(f.dueAt!),
        finishedAt: f.finishedAt === null ? null : iso(f.finishedAt),
        supplements: f.supplementRequestedAt.map((q, i) => ({
          requestedAt: iso(q),
          receivedAt: i < f.supplementReceivedAt.length ? iso(f.supplementReceivedAt[i]) : null,
        })),
      },
      iso(end),
    );
  const latest = (f: DossierFacts) => [...f.ratings].filter((r) => r.at <= asOf).pop();
  const fee = rec.filter((f) => by(f.feeAt));
  const finishedWritten = unitFacts.filter(
    (f) => f.finishedAt !== null && f.finishedAt >= start && f.finishedAt <= end && f.requiresWrittenResult,
  );
  const count = (list: DossierFacts[], pred: (f: DossierFacts) => boolean): [number, number] => [
    list.filter(pred).length,
    list.length,
  ];
  return {
    '1.4': count(rec, (f) => by(f.syncedAt)),
    '2.1': count(handled, onTime),
    '3.3': count(rec, (f) => f.online),
    '4.3': count(fee, (f) => by(f.paidOnlineAt)),
    '5.3': count(handled, (f) => onTime(f) && latest(f)?.satisfied !== false),
    '6.1': count(finishedWritten, (f) => by(f.eResultAt)),
    '6.2': count(rec, (f) => by(f.digitizedAt)),
    '6.3': count(rec, (f) => by(f.reusedAt)),
    '6.4': count(rec, (f) => by(f.personalStoreAt)),
  };
}

const criteria = (row: Pick<Scorecard['province'], 'groups'>): Map<string, CriterionResult> =>
  new Map(row.groups.flatMap((g) => g.criteria).map((c) => [c.id, c]));

describe('scorecard at scale (100,000 dossiers)', () => {
  it.each([
    ['2024-Q2', vn('2024-08-01T00:00')],
    ['2024', vn('2025-01-15T00:00')],
    ['2024-11', vn('2024-11-20T12:00')],
  ])('%s agrees with a plain count per unit and for the province', (period, asOf) => {
    const card = computeScorecard({ method: QD766_V1, period, asOf, units, procedures, facts });
    expect(card.units).toHaveLength(units.length);
    expect(
      computeScorecard({ method: QD766_V1, period, asOf, units, procedures, facts: table, explain: false }),
    ).toEqual(card);
    const all: Counts = {};
    for (const u of card.units) {
      const ref = reference(
        facts.filter((f) => f.unitId === u.unitId),
        period,
        asOf,
      );
      const got = criteria(u);
      for (const [id, [num, den]] of Object.entries(ref)) {
        expect([id, got.get(id)!.numerator, got.get(id)!.denominator]).toEqual([id, num, den]);
        all[id] = [(all[id]?.[0] ?? 0) + num, (all[id]?.[1] ?? 0) + den];
      }
    }
    const province = criteria(card.province);
    for (const [id, [num, den]] of Object.entries(all)) {
      expect([id, province.get(id)!.numerator, province.get(id)!.denominator]).toEqual([id, num, den]);
    }
    // Procedure criteria: distinct procedures over the whole province.
    const p = parsePeriod(period);
    const end = Math.min(p.last, asOf);
    const recIn = facts.filter((f) => f.receivedAt! >= p.start && f.receivedAt! <= end);
    const online = new Set(recIn.filter((f) => f.online).map((f) => f.procedureCode));
    const onlineProcs = procedures.filter((x) => x.onlineLevel !== 'none');
    expect([province.get('3.2')!.numerator, province.get('3.2')!.denominator]).toEqual([
      onlineProcs.filter((x) => online.has(x.code)).length,
      onlineProcs.length,
    ]);
    const withFee = recIn.filter((f) => f.feeAt !== null && f.feeAt <= asOf);
    const paid = new Set(
      withFee.filter((f) => f.paidOnlineAt !== null && f.paidOnlineAt <= asOf).map((f) => f.procedureCode),
    );
    expect([province.get('4.2')!.numerator, province.get('4.2')!.denominator]).toEqual([
      paid.size,
      new Set(withFee.map((f) => f.procedureCode)).size,
    ]);
    // Ranks: 1..n within each level, ordered by total.
    for (const level of ['department', 'commune']) {
      const rows = card.units.filter((u) => u.level === level);
      expect(rows.map((u) => u.rank)).toEqual(rows.map((_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(rows[i - 1].total).toBeGreaterThanOrEqual(rows[i].total);
    }
  });
});
