import type { CivilDate } from './calendar.types';
import { defaultVietnamCalendar } from './default-calendar';
import { addDays, dayOfWeek } from './instant';
import { vietnamSkeleton } from './vn-skeleton';
import { VN_CALENDAR_OVERRIDES } from './vn-overrides.data';
import { WorkingCalendar } from './working-calendar';

const calendar = defaultVietnamCalendar();
const bare = WorkingCalendar.fromOverrides([]);

const range = (from: CivilDate, to: CivilDate): CivilDate[] => {
  const out: CivilDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

/** Weekdays off and weekend days worked in a year: the shape of a yearly notice. */
const exceptions = (cal: WorkingCalendar, year: number) => {
  const off: string[] = [];
  const worked: string[] = [];
  for (const d of range(`${year}-01-01`, `${year}-12-31`)) {
    const weekend = dayOfWeek(d) === 0 || dayOfWeek(d) === 6;
    if (!weekend && !cal.isWorkingDay(d)) off.push(d.slice(5));
    if (weekend && cal.isWorkingDay(d)) worked.push(d.slice(5));
  }
  return { off, worked };
};

describe('WorkingCalendar: Tết windows', () => {
  it('Given the 2025 notice, When Tết is checked, Then 25/1–2/2 is off and the days around it are worked', () => {
    expect(calendar.isWorkingDay('2025-01-24')).toBe(true);
    for (const d of range('2025-01-25', '2025-02-02')) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2025-02-03')).toBe(true);
  });

  it('Given the 2026 notice, When Tết is checked, Then 14/2–22/2 is off and the days around it are worked', () => {
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    for (const d of range('2026-02-14', '2026-02-22')) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('Given 2030 without overrides, When Tết is checked, Then the skeleton uses the Vietnamese mùng 1 (2/2, not the Chinese 3/2)', () => {
    const skeleton = vietnamSkeleton(2030);
    expect(skeleton.statutory.get('2030-02-02')).toBe('Tết Nguyên Đán');
    // Window from the day before mùng 1: Fri 1/2 … Tue 5/2; a Chinese-calendar window would start on 2/2.
    expect(calendar.isWorkingDay('2030-01-31')).toBe(true);
    for (const d of range('2030-02-01', '2030-02-05')) expect(calendar.isWorkingDay(d)).toBe(false);
    // Art. 111(3): Tết's Saturday and Sunday are taken on Wed 6/2 and Thu 7/2.
    expect([...skeleton.compensatory].filter((d) => d.startsWith('2030-02'))).toEqual([
      '2030-02-06',
      '2030-02-07',
    ]);
    expect(calendar.isWorkingDay('2030-02-08')).toBe(true);
  });
});

describe('WorkingCalendar: other holidays and swaps', () => {
  it.each([
    ['2025-04-07', 2025],
    ['2026-04-26', 2026],
    ['2027-04-16', 2027],
  ])('Given Giỗ Tổ (10/3 lunar) on %s, When checked, Then it is a statutory day off', (date) => {
    expect(vietnamSkeleton(Number(date.slice(0, 4))).statutory.get(date)).toBe('Giỗ tổ Hùng Vương');
    expect(calendar.isWorkingDay(date)).toBe(false);
  });

  it('Given Giỗ Tổ 2026 on a Sunday, When Monday 27/4 is checked, Then it is the compensatory day off, even without overrides', () => {
    expect(calendar.isWorkingDay('2026-04-27')).toBe(false);
    expect(bare.isWorkingDay('2026-04-27')).toBe(false);
    expect(calendar.isWorkingDay('2026-04-28')).toBe(true);
  });

  it('Given the 2025 swap, When checked, Then Saturday 26/4 is a working day and Friday 2/5 is not', () => {
    expect(calendar.isWorkingDay('2025-04-26')).toBe(true);
    expect(calendar.isWorkingDay('2025-05-02')).toBe(false);
    expect(calendar.nextWorkingDay('2025-04-25')).toBe('2025-04-26');
    expect(calendar.nextWorkingDay('2025-04-29')).toBe('2025-05-05');
  });

  it('Given Quốc khánh 2025, When checked, Then the second day Monday 1/9 is off (date-holidays alone has it as working)', () => {
    expect(bare.isWorkingDay('2025-09-01')).toBe(true);
    expect(calendar.isWorkingDay('2025-09-01')).toBe(false);
    expect(calendar.isWorkingDay('2025-09-02')).toBe(false);
    expect(calendar.isWorkingDay('2025-09-03')).toBe(true);
  });

  it('Given the shipped overrides, When each year is listed, Then weekdays off and Saturdays worked match the notices', () => {
    expect(exceptions(calendar, 2024)).toEqual({
      off: [
        '01-01',
        '02-08',
        '02-09',
        '02-12',
        '02-13',
        '02-14',
        '04-18',
        '04-29',
        '04-30',
        '05-01',
        '09-02',
        '09-03',
      ],
      worked: ['05-04'],
    });
    expect(exceptions(calendar, 2025)).toEqual({
      off: [
        '01-01',
        '01-27',
        '01-28',
        '01-29',
        '01-30',
        '01-31',
        '04-07',
        '04-30',
        '05-01',
        '05-02',
        '09-01',
        '09-02',
      ],
      worked: ['04-26'],
    });
    expect(exceptions(calendar, 2026)).toEqual({
      off: [
        '01-01',
        '01-02',
        '02-16',
        '02-17',
        '02-18',
        '02-19',
        '02-20',
        '04-27',
        '04-30',
        '05-01',
        '08-31',
        '09-01',
        '09-02',
        '11-24',
      ],
      worked: ['01-10', '08-22'],
    });
    expect(exceptions(calendar, 2027)).toEqual({
      off: [
        '01-01',
        '02-05',
        '02-08',
        '02-09',
        '02-10',
        '02-11',
        '04-16',
        '04-30',
        '05-03',
        '09-02',
        '09-03',
        '11-24',
      ],
      worked: [],
    });
  });

  it('Given the shipped data, When inspected, Then every year 2024–2027 carries its sources', () => {
    expect(VN_CALENDAR_OVERRIDES.map((o) => o.year)).toEqual([2024, 2025, 2026, 2027]);
    for (const o of VN_CALENDAR_OVERRIDES) expect(o.sources?.length).toBeGreaterThan(0);
  });
});

describe('WorkingCalendar: Ngày Văn hóa Việt Nam (24/11, from 2026)', () => {
  it('Given 24/11 before and from 2026, When checked, Then it is a day off only from 2026, including skeleton-only years', () => {
    expect(calendar.isWorkingDay('2025-11-24')).toBe(true);
    expect(calendar.isWorkingDay('2026-11-24')).toBe(false);
    expect(calendar.isWorkingDay('2030-11-22')).toBe(true); // a Friday: no bridge without a notice
    expect(vietnamSkeleton(2029).statutory.get('2029-11-24')).toBe('Ngày Văn hóa Việt Nam');
  });

  it('Given 24/11 on a Saturday (2029), When the next Monday is checked, Then it is not compensated (not an Art. 112(1) day)', () => {
    expect(dayOfWeek('2029-11-24')).toBe(6);
    expect(calendar.isWorkingDay('2029-11-26')).toBe(true);
  });
});

describe('WorkingCalendar: overrides win over the skeleton both ways', () => {
  const custom = WorkingCalendar.fromOverrides([
    {
      year: 2030,
      holidays: ['2030-03-05', '2030-03-09'],
      workingDays: ['2030-09-02', '2030-03-16'],
      sources: ['test'],
    },
  ]);

  it('Given an override holiday on a skeleton weekday, When checked, Then it is off', () => {
    expect(bare.isWorkingDay('2030-03-05')).toBe(true);
    expect(custom.isWorkingDay('2030-03-05')).toBe(false);
  });

  it('Given an override working day on a skeleton holiday or a Saturday, When checked, Then it is worked', () => {
    expect(bare.isWorkingDay('2030-09-02')).toBe(false);
    expect(custom.isWorkingDay('2030-09-02')).toBe(true);
    expect(custom.isWorkingDay('2030-03-16')).toBe(true);
  });

  it('Given an override holiday on a Saturday, When checked, Then it stays off and creates no compensation', () => {
    expect(custom.isWorkingDay('2030-03-09')).toBe(false);
    expect(custom.isWorkingDay('2030-03-11')).toBe(true);
  });

  it('Given an immutable calendar, When a year is replaced, Then a new calendar changes and the old one does not', () => {
    const changed = calendar.withYearOverrides({ year: 2025, holidays: [], workingDays: [] });
    expect(changed.isWorkingDay('2025-09-01')).toBe(true);
    expect(changed.isWorkingDay('2025-04-26')).toBe(false);
    expect(calendar.isWorkingDay('2025-09-01')).toBe(false);
    expect(changed.yearOverrides().map((o) => o.year)).toEqual([2024, 2025, 2026, 2027]);
  });

  it('Given inconsistent overrides, When building, Then it is rejected', () => {
    expect(() =>
      WorkingCalendar.fromOverrides([{ year: 2030, holidays: ['2031-01-02'], workingDays: [] }]),
    ).toThrow(RangeError);
    expect(() =>
      WorkingCalendar.fromOverrides([{ year: 2030, holidays: ['2030-01-02'], workingDays: ['2030-01-02'] }]),
    ).toThrow(RangeError);
    expect(() =>
      WorkingCalendar.fromOverrides([
        { year: 2030, holidays: [], workingDays: [] },
        { year: 2030, holidays: [], workingDays: [] },
      ]),
    ).toThrow(RangeError);
  });
});

describe('WorkingCalendar: stepping and office hours', () => {
  it('Given a date, When stepping working days, Then non-working days are skipped across years', () => {
    expect(calendar.nextWorkingDay('2025-12-31')).toBe('2026-01-05');
    expect(calendar.previousWorkingDay('2026-01-05')).toBe('2025-12-31');
    expect(calendar.addWorkingDays('2026-01-05', -1)).toBe('2025-12-31');
    expect(calendar.addWorkingDays('2026-01-09', 1)).toBe('2026-01-10'); // swapped Saturday
    expect(calendar.addWorkingDays('2026-02-14', 0)).toBe('2026-02-14');
    expect(() => calendar.addWorkingDays('2026-02-14', 1.5)).toThrow(RangeError);
  });

  it('Given default and custom office hours, When sessions are listed, Then they are absolute and absent on days off', () => {
    expect(calendar.sessionsOn('2025-01-25')).toEqual([]);
    expect(calendar.sessionsOn('2025-01-24').map((s) => s.endMs - s.startMs)).toEqual([
      4 * 3_600_000,
      3.5 * 3_600_000,
    ]);
    expect(calendar.workingDayMs).toBe(7.5 * 3_600_000);
    const epar = calendar.withOfficeHours({
      sessions: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '16:00' },
      ],
    });
    expect(epar.workingDayMs).toBe(6.5 * 3_600_000);
    expect(() => WorkingCalendar.fromOverrides([], { sessions: [{ start: '13:30', end: '11:30' }] })).toThrow(
      RangeError,
    );
    expect(() =>
      WorkingCalendar.fromOverrides([], {
        sessions: [
          { start: '07:30', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      }),
    ).toThrow(RangeError);
    expect(() => WorkingCalendar.fromOverrides([], { sessions: [] })).toThrow(RangeError);
  });
});
