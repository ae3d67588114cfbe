import type { Instant } from './calendar.types';
import type { WorkingCalendar } from './working-calendar';

export function workingMsBetween(_from: Instant, _to: Instant, _calendar: WorkingCalendar): number {
  throw new Error('not implemented yet');
}

export function addWorkingMs(_from: Instant, _ms: number, _calendar: WorkingCalendar): Instant {
  throw new Error('not implemented yet');
}
