import type { OfficeHours } from './calendar.types';
import { VN_CALENDAR_OVERRIDES } from './vn-overrides.data';
import { VN_DEFAULT_OFFICE_HOURS, WorkingCalendar } from './working-calendar';

/** The Vietnamese civil-service calendar with the shipped yearly overrides. */
export function defaultVietnamCalendar(officeHours: OfficeHours = VN_DEFAULT_OFFICE_HOURS): WorkingCalendar {
  return WorkingCalendar.fromOverrides(VN_CALENDAR_OVERRIDES, officeHours);
}
