import type { ProvinceScore, Scorecard, UnitScore } from '@tracker/domain';

type Row = UnitScore | ProvinceScore;

const criteriaOf = (card: Scorecard) =>
  card.province.groups.flatMap((g) => g.criteria.map((c) => ({ group: g.id, id: c.id })));

/** One row per unit (then the province), each criterion's numerator, denominator and score beside it. */
function table(card: Scorecard): { header: string[]; rows: (string | number | null)[][] } {
  const criteria = criteriaOf(card);
  const header = [
    'level',
    'rank',
    'unitId',
    'name',
    'total',
    'band',
    'maxWithoutData',
    ...card.province.groups.map((g) => `group ${g.id}`),
    ...criteria.flatMap((c) => [`${c.id} numerator`, `${c.id} denominator`, `${c.id} score`]),
  ];
  const line = (r: Row) => {
    const byId = new Map(r.groups.flatMap((g) => g.criteria.map((c) => [c.id, c] as const)));
    return [
      r.level,
      'rank' in r ? r.rank : null,
      r.unitId,
      r.name,
      r.total,
      r.band,
      r.maxWithoutData,
      ...r.groups.map((g) => g.score),
      ...criteria.flatMap((c) => {
        const v = byId.get(c.id);
        return [v?.numerator ?? null, v?.denominator ?? null, v?.score ?? null];
      }),
    ];
  };
  return { header, rows: [...card.units.map(line), line(card.province)] };
}

/** Text a spreadsheet would read as a formula (OWASP "CSV injection"): unit and procedure names are free text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export const csvCell = (v: string | number | null): string => {
  if (v === null) return '';
  // Numbers stay numbers (a negative figure is not a formula); text that starts like one gets a leading '.
  const s = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v);
  return /[",\n\r\t']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function scorecardCsv(card: Scorecard): Buffer {
  const { header, rows } = table(card);
  const lines = [
    `# period ${card.period}, method ${card.method}, asOf ${card.asOf}`,
    header.map(csvCell).join(','),
    ...rows.map((r) => r.map(csvCell).join(',')),
  ];
  // A BOM so spreadsheet programs read the Vietnamese names as UTF-8.
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function scorecardXlsx(card: Scorecard): Promise<Buffer> {
  // Loaded on the first export: the package takes about a sixth of the API's module loading at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ExcelJS = require('exceljs') as typeof import('exceljs');
  const { header, rows } = table(card);
  const book = new ExcelJS.Workbook();
  book.creator = 'dossier tracker';
  const sheet = book.addWorksheet(`Xếp hạng ${card.period}`);
  sheet.addRow([`Bộ chỉ số phục vụ người dân, doanh nghiệp — ${card.period}`]);
  sheet.addRow(['method', card.method, 'asOf', card.asOf]);
  sheet.addRow([]);
  const head = sheet.addRow(header);
  head.font = { bold: true };
  for (const r of rows) sheet.addRow(r);
  sheet.views = [{ state: 'frozen', xSplit: 4, ySplit: 4 }];
  sheet.getColumn(4).width = 36;
  return Buffer.from(await book.xlsx.writeBuffer());
}
