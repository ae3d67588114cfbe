import type { FeedbackFacts } from '@tracker/domain';
import { decodeFeedbackTable, encodeFeedbackTable } from './redis-feedback-table.snapshots';

const item = (id: string, dossierCode: string | null): FeedbackFacts =>
  ({
    id,
    unitId: 'U1',
    receivedAt: 1_740_000_000_000,
    about: dossierCode ? 'dossier' : 'procedure',
    procedureCode: dossierCode ? null : 'P1',
    dossierCode,
    holdings: [],
    ratings: [{ at: 1_740_100_000_000, satisfied: false }],
    repeatOf: null,
    repeatMarkedAt: null,
  }) as unknown as FeedbackFacts;

const snapshot = { generation: 3, cursor: '1740000000000-4', facts: [item('F1', 'D-1'), item('F2', null)] };

describe('feedback table snapshot encoding', () => {
  it('decodes what it encoded: the items, generation and cursor', () => {
    expect(decodeFeedbackTable(encodeFeedbackTable(snapshot))).toEqual(snapshot);
  });

  it('refuses a truncated, altered or foreign buffer', () => {
    const raw = encodeFeedbackTable(snapshot);
    expect(decodeFeedbackTable(raw.subarray(0, raw.length - 3))).toBeUndefined();
    const altered = Buffer.from(raw);
    altered[Math.floor(raw.length * 0.75)] ^= 0x5a;
    expect(decodeFeedbackTable(altered)).toBeUndefined();
    expect(decodeFeedbackTable(Buffer.from('{"generation":3}'))).toBeUndefined();
    expect(decodeFeedbackTable(Buffer.alloc(0))).toBeUndefined();
  });
});
