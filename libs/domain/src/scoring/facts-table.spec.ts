import { FactsTable } from './facts-table';
import { FeedbackTable } from './feedback-table';
import { computeScorecard } from './scorecard';
import { QD766_V1, QD766_V2 } from './scoring-method';
import {
  DAY,
  e,
  foldFacts,
  generateFacts,
  generateFeedbackFacts,
  generatePublicationItems,
  HOUR,
  received,
  UNITS,
  vn,
} from './scoring.fixtures';

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
    expect(t.rowOfCode('D3')).toBe(3);
    expect(t.codes[3]).toBe('D3');
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

  it('an image (what a snapshot stores) gives a table that scores the same, detailed rows included', () => {
    const twoRounds = foldFacts([
      received({ code: 'S', receivedAt: R }),
      e.supplementRequested(R + HOUR),
      e.supplementReceived(R + DAY),
      e.supplementRequested(R + 2 * DAY),
      e.supplementReceived(R + 3 * DAY),
      e.processed(R + 4 * DAY),
    ]);
    const twoRatings = foldFacts([
      received({ code: 'T', receivedAt: R, unitId: 'U2' }),
      e.processed(R + DAY),
      e.rated(R + 2 * DAY, false),
      e.rated(R + 20 * DAY, true),
    ]);
    const plain = foldFacts([
      received({ code: 'P', receivedAt: R, channel: 'online' }),
      e.processed(R + DAY),
    ]);
    const table = FactsTable.from([twoRounds, twoRatings, plain]);
    // A detailed row that stops being one leaves the detailed set.
    table.upsert(foldFacts([received({ code: 'S', receivedAt: R }), e.processed(R + DAY)]));
    expect([...table.detailed.keys()]).toEqual([1]);
    const copy = FactsTable.fromImage(table.image());
    expect(copy.size).toBe(3);
    expect(copy.codes).toEqual(['S', 'T', 'P']);
    expect(copy.rowOfCode('T')).toBe(1);
    const base = { method: QD766_V1, units: UNITS, explain: true, procedures: [] };
    for (const [period, asOf] of [
      ['2024-Q2', vn('2024-04-20T00:00')],
      ['2024-Q2', vn('2024-08-01T00:00')],
    ] as const) {
      expect(computeScorecard({ ...base, period, asOf, facts: copy })).toEqual(
        computeScorecard({ ...base, period, asOf, facts: table }),
      );
    }
    // The copy goes on like the original.
    const later = foldFacts([received({ code: 'Q', receivedAt: R + HOUR }), e.processed(R + 30 * DAY)]);
    copy.upsert(later);
    table.upsert(later);
    const asOf = vn('2024-08-01T00:00');
    expect(computeScorecard({ ...base, period: '2024-Q2', asOf, facts: copy })).toEqual(
      computeScorecard({ ...base, period: '2024-Q2', asOf, facts: table }),
    );
  });

  it('clustered by period and with feedback in a FeedbackTable, scores as the objects do, any period and asOf', () => {
    const from = vn('2022-01-01T00:00');
    const to = vn('2025-01-01T00:00');
    const { facts, units, procedures } = generateFacts(3000, from, to);
    const feedback = generateFeedbackFacts(600, units, from, to, 3000);
    const publications = generatePublicationItems(100, procedures, from, to);
    const table = FactsTable.from(facts);
    const clustered = table.clustered();
    expect(clustered.isClustered()).toBe(true);
    expect(table.isClustered()).toBe(false);
    expect(new Set(clustered.codes)).toEqual(new Set(table.codes));
    const feedbackTable = FeedbackTable.from(feedback);
    const base = { method: QD766_V2, units, procedures, publications };
    const explained = { explain: true, onlyUnitIds: [units[0].unitId, units[units.length - 1].unitId] };
    for (const [period, asOf] of [
      ['2023-Q2', vn('2025-02-01T00:00')],
      ['2024', vn('2025-02-01T00:00')],
      ['2024-05', vn('2024-05-20T12:00')],
      ['2022-Q1', vn('2022-02-10T00:00')],
      ['2024-Q4', vn('2025-02-01T00:00')],
    ] as const) {
      const expected = computeScorecard({ ...base, period, asOf, facts, feedback, ...explained });
      expect(
        computeScorecard({ ...base, period, asOf, facts: clustered, feedback: feedbackTable, ...explained }),
      ).toEqual(expected);
      expect(computeScorecard({ ...base, period, asOf, facts: table, feedback: feedbackTable })).toEqual(
        computeScorecard({ ...base, period, asOf, facts, feedback }),
      );
    }
  });
});
