import { FactsTable } from './facts-table';
import { computeScorecard } from './scorecard';
import { QD766_V1 } from './scoring-method';
import { DAY, e, foldFacts, HOUR, received, UNITS, vn } from './scoring.fixtures';

const R = vn('2024-04-10T08:00');

describe('FactsTable', () => {
  it('holds facts in columns (NaN for none), replaces a dossier by code, and grows', () => {
    const t = new FactsTable(16);
    for (let i = 0; i < 40; i++) t.upsert(foldFacts([received({ code: `D${i}`, receivedAt: R + i })]));
    expect(t.size).toBe(40);
    expect(t.columns.receivedAt[39]).toBe(R + 39);
    expect(Number.isNaN(t.columns.finishedAt[0])).toBe(true);
    const finished = foldFacts([received({ code: 'D3', receivedAt: R + 3 }), e.processed(R + DAY)]);
    t.upsert(finished);
    expect(t.size).toBe(40);
    expect(t.columns.finishedAt[3]).toBe(R + DAY);
    expect(t.get('D3')).toBe(finished);
    expect(t.unitIds).toEqual(['U1']);
  });

  it('scores the same as the facts it holds, after updates', () => {
    const v1 = [
      foldFacts([
        received({ code: 'A', receivedAt: R, channel: 'online', feeAmount: 10 }),
        e.paidOnline(R + HOUR),
      ]),
      foldFacts([received({ code: 'B', receivedAt: R, unitId: 'U2' }), e.supplementRequested(R + HOUR)]),
      foldFacts([
        received({ code: 'C', receivedAt: R, unitId: 'C1', procedureCode: 'X' }),
        e.processed(R + 9 * DAY),
        e.rated(R + 10 * DAY, false),
      ]),
    ];
    const table = FactsTable.from(v1);
    const v2 = foldFacts([
      received({ code: 'B', receivedAt: R, unitId: 'U2' }),
      e.supplementRequested(R + HOUR),
      e.supplementReceived(R + DAY),
      e.processed(R + 2 * DAY),
    ]);
    table.upsert(v2);
    const base = {
      method: QD766_V1,
      period: '2024-Q2',
      asOf: vn('2024-08-01T00:00'),
      units: UNITS,
      explain: true,
    };
    const procedures = [{ code: 'P1', units: ['U1', 'U2'], onlineLevel: 'full' as const, feeRequired: true }];
    expect(computeScorecard({ ...base, procedures, facts: table })).toEqual(
      computeScorecard({ ...base, procedures, facts: [v1[0], v2, v1[2]] }),
    );
  });
});
