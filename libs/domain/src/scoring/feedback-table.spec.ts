import type { FeedbackFacts, FeedbackUnitFacts } from '../feedback/feedback-facts';
import { FeedbackTable } from './feedback-table';
import { computeScorecard } from './scorecard';
import { QD766_V2 } from './scoring-method';
import { DAY, rng, UNITS, vn } from './scoring.fixtures';

const FROM = vn('2024-01-01T00:00');

/** Items over three units (so that an item often comes back to a unit), with every step taken or not,
 * on time or late, and 0–3 ratings and a repeat mark at random instants. */
function randomItems(n: number, seed: number): FeedbackFacts[] {
  const rnd = rng(seed);
  const pick = (k: number) => Math.floor(rnd() * k);
  const maybe = (p: number, at: number): number | null => (rnd() < p ? at : null);
  return Array.from({ length: n }, (_, i) => {
    const id = `F-${i}`;
    let at = FROM + pick(300 * DAY);
    const received = at;
    const holdings: FeedbackUnitFacts[] = [];
    const count = 1 + pick(4);
    for (let k = 0; k < count; k++) {
      const last = k === count - 1;
      const answeredAt = maybe(last ? 0.7 : 0.2, at + pick(20 * DAY));
      const publishedAt = answeredAt === null ? null : maybe(0.7, answeredAt + pick(3 * DAY));
      const forwardedAt = last ? null : at + pick(4 * DAY);
      const finishedAt = forwardedAt ?? publishedAt ?? (rnd() < 0.1 ? at + pick(30 * DAY) : null);
      holdings.push({
        id,
        unitId: UNITS[pick(UNITS.length)].unitId,
        receivedAt: at,
        finishedAt,
        finishedBy: forwardedAt !== null ? 'forwarded' : publishedAt !== null ? 'published' : null,
        rejectOrForwardBy: at + 2 * DAY,
        informationRequestBy: at + 5 * DAY,
        answerBy: at + 15 * DAY,
        rejectedOrForwardedAt:
          forwardedAt ?? (finishedAt !== null && publishedAt === null ? finishedAt : null),
        firstInformationRequestAt: maybe(0.3, at + pick(8 * DAY)),
        answeredAt,
        publishBy: answeredAt === null ? null : answeredAt + 2 * DAY,
        publishedAt,
      });
      at = forwardedAt ?? at;
    }
    const ratings = Array.from({ length: pick(4) }, () => ({
      at: received + pick(60 * DAY),
      satisfied: rnd() < 0.5,
    })).sort((a, b) => a.at - b.at);
    return {
      id,
      unitId: holdings[0].unitId,
      receivedAt: received,
      about: 'dossier',
      procedureCode: null,
      dossierCode: null,
      holdings,
      ratings,
      repeatOf: null,
      repeatMarkedAt: maybe(0.2, received + pick(40 * DAY)),
    };
  });
}

describe('FeedbackTable', () => {
  const base = { method: QD766_V2, units: UNITS, procedures: [], facts: [] };
  const cases = [
    ['2024-Q2', vn('2024-05-10T12:00')],
    ['2024-Q2', vn('2025-01-01T00:00')],
    ['2024-03', vn('2024-03-20T00:00')],
    ['2024', vn('2024-09-01T00:00')],
    ['2024', vn('2025-06-01T00:00')],
  ] as const;

  it('counts 5.1 and 5.2 (with the lists behind them) as the items themselves do, any period and asOf', () => {
    const items = randomItems(800, 7);
    const table = FeedbackTable.from(items);
    for (const [period, asOf] of cases) {
      const explain = { explain: true, onlyUnitIds: UNITS.map((u) => u.unitId) };
      expect(computeScorecard({ ...base, period, asOf, feedback: table, ...explain })).toEqual(
        computeScorecard({ ...base, period, asOf, feedback: items, ...explain }),
      );
    }
  });

  it('replaces an item by id, also when it gained holdings, and scores as the new facts do', () => {
    const before = randomItems(300, 8);
    const after = randomItems(300, 9).map((f, i) => ({
      ...f,
      id: before[i].id,
      holdings: f.holdings.map((h) => ({ ...h, id: before[i].id })),
    }));
    const table = FeedbackTable.from(before);
    for (let i = 0; i < after.length; i += 2) table.upsert(after[i]);
    const current = before.map((f, i) => (i % 2 === 0 ? after[i] : f));
    expect(table.size).toBe(300);
    for (const [period, asOf] of cases) {
      expect(computeScorecard({ ...base, period, asOf, feedback: table })).toEqual(
        computeScorecard({ ...base, period, asOf, feedback: current }),
      );
    }
  });
});
