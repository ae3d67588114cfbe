export * from './calendar.types';
export {
  civilDateOf,
  zonedInstant,
  parseInstant,
  formatInstant,
  instantMs,
  instantFromMs,
  addDays,
  dayOfWeek,
  startOfDayMs,
  civilDateOfMs,
} from './instant';
export { WorkingCalendar, VN_DEFAULT_OFFICE_HOURS } from './working-calendar';
export type { SessionSpan } from './working-calendar';
export { vietnamSkeleton, VN_STATUTORY_ADDITIONS } from './vn-skeleton';
export type { SkeletonYear } from './vn-skeleton';
export { defaultVietnamCalendar } from './default-calendar';
export { VN_CALENDAR_OVERRIDES } from './vn-overrides.data';
export { workingMsBetween, addWorkingMs } from './working-time';
export { normaliseIntake, computeDueAt, latestApologyAt } from './due-date';
