import { FactsTable, evolveFacts, initialFacts, type DossierEvent } from '@tracker/domain';
import { decodeFactsTable, encodeFactsTable } from './redis-facts-table.snapshots';

const at = (day: number) => `2025-02-${String(day).padStart(2, '0')}T08:00:00+07:00`;
const facts = (code: string, events: DossierEvent[]) => events.reduce(evolveFacts, initialFacts(code));
const received = (code: string, day: number): DossierEvent =>
  ({
    type: 'DossierReceived',
    data: {
      code,
      unitId: 'U1',
      procedureCode: 'P1',
      procedure: {
        name: 'P1',
        timeLimit: { value: 5, unit: 'working-days' },
        onlineLevel: 'full',
        feeRequired: false,
        requiresWrittenResult: true,
      },
      channel: 'online',
      onlineLevel: 'full',
      receivedAt: at(day),
      dueAt: at(day + 7),
      feeAmount: 0,
      calendarVersion: '',
      occurredAt: at(day),
    },
  }) as unknown as DossierEvent;
const rated = (day: number, satisfied: boolean): DossierEvent =>
  ({ type: 'SatisfactionRated', data: { occurredAt: at(day), satisfied } }) as unknown as DossierEvent;

function table(): FactsTable {
  return FactsTable.from([
    facts('A', [received('A', 3)]),
    facts('B', [received('B', 4), rated(10, false), rated(12, true)]),
  ]);
}

describe('facts table snapshot encoding', () => {
  it('decodes what it encoded: rows, codes, ids, detailed rows, generation and cursor', () => {
    const t = table();
    const decoded = decodeFactsTable(encodeFactsTable({ generation: 3, cursor: '17-0', image: t.image() }))!;
    expect(decoded.generation).toBe(3);
    expect(decoded.cursor).toBe('17-0');
    const copy = FactsTable.fromImage(decoded.image);
    expect(copy.codes).toEqual(['A', 'B']);
    expect(copy.unitIds).toEqual(t.unitIds);
    expect([...copy.columns.receivedAt]).toEqual([...t.columns.receivedAt.subarray(0, 2)]);
    expect([...copy.flags]).toEqual([...t.flags.subarray(0, 2)]);
    expect(t.detailed.size).toBe(1);
    expect(copy.details(1)).toEqual(t.details(1));
  });

  it('reads the same table from a reply at any offset (views when aligned, copies when not), and finds its rows by code', () => {
    const bytes = encodeFactsTable({ generation: 1, cursor: '1-0', image: table().image() });
    for (const shift of [0, 1, 4, 8]) {
      const at = Buffer.alloc(bytes.length + shift);
      bytes.copy(at, shift);
      const reply = at.subarray(shift);
      const copy = FactsTable.fromImage(decodeFactsTable(reply)!.image);
      expect([...copy.columns.receivedAt]).toEqual([...table().columns.receivedAt.subarray(0, 2)]);
      expect([...copy.unit, ...copy.procedure, ...copy.flags]).toEqual([
        ...table().unit.subarray(0, 2),
        ...table().procedure.subarray(0, 2),
        ...table().flags.subarray(0, 2),
      ]);
      expect(copy.rowOfCode('A')).toBe(0);
      expect(copy.rowOfCode('B')).toBe(1);
      expect(copy.rowOfCode('C')).toBeUndefined();
      // A dossier received after the snapshot is a new row, found by its code too.
      copy.upsert(facts('C', [received('C', 5)]));
      expect(copy.rowOfCode('C')).toBe(2);
      expect(copy.size).toBe(3);
    }
  });

  it('refuses a truncated, altered or foreign buffer', () => {
    const bytes = encodeFactsTable({ generation: 1, cursor: '1-0', image: table().image() });
    expect(decodeFactsTable(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    const altered = Buffer.from(bytes);
    altered[altered.length - 10] ^= 1;
    expect(decodeFactsTable(altered)).toBeUndefined();
    expect(decodeFactsTable(Buffer.from('not a snapshot at all'))).toBeUndefined();
    expect(decodeFactsTable(Buffer.alloc(0))).toBeUndefined();
  });
});
