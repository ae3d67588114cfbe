import type { CalendarYearOverrides, CivilDate, OfficeHours } from './calendar.types';

export const VN_DEFAULT_OFFICE_HOURS: OfficeHours = {
  sessions: [
    { start: '07:30', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ],
};

export class WorkingCalendar {
  private constructor(
    readonly overrides: readonly CalendarYearOverrides[],
    readonly officeHours: OfficeHours,
  ) {}

  static fromOverrides(
    overrides: readonly CalendarYearOverrides[],
    officeHours: OfficeHours = VN_DEFAULT_OFFICE_HOURS,
  ): WorkingCalendar {
    return new WorkingCalendar(overrides, officeHours);
  }

  isWorkingDay(_date: CivilDate): boolean {
    throw new Error('not implemented yet');
  }
  nextWorkingDay(_date: CivilDate): CivilDate {
    throw new Error('not implemented yet');
  }
  previousWorkingDay(_date: CivilDate): CivilDate {
    throw new Error('not implemented yet');
  }
  addWorkingDays(_date: CivilDate, _n: number): CivilDate {
    throw new Error('not implemented yet');
  }
}
