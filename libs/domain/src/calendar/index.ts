export * from './calendar.types';
export { civilDateOf, zonedInstant } from './instant';
export { WorkingCalendar, VN_DEFAULT_OFFICE_HOURS } from './working-calendar';
export { defaultVietnamCalendar } from './default-calendar';
export { VN_CALENDAR_OVERRIDES } from './vn-overrides.data';
export { workingMsBetween, addWorkingMs } from './working-time';
export { normaliseIntake, computeDueAt, latestApologyAt } from './due-date';
