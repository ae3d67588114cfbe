import { csvCell } from './scorecard-export';

describe('CSV cells', () => {
  it.each(['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])(
    'given text starting like a formula (%j), then the cell starts with a quote, not the formula',
    (text) => {
      const cell = csvCell(text);
      expect(cell.replace(/^"/, '')).toMatch(/^'/);
    },
  );

  it('given ordinary text and numbers, then they are written as they are', () => {
    expect(csvCell('Sở Công Thương')).toBe('Sở Công Thương');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
  });
});
