import type { CalendarYearOverrides } from './calendar.types';

export const VN_CALENDAR_OVERRIDES: readonly CalendarYearOverrides[] = [];
