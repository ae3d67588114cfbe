import type { Instant, TimeLimit } from './calendar.types';
import type { WorkingCalendar } from './working-calendar';

export function normaliseIntake(_receivedAt: Instant, _calendar: WorkingCalendar): Instant {
  throw new Error('not implemented yet');
}

export function computeDueAt(_receivedAt: Instant, _limit: TimeLimit, _calendar: WorkingCalendar): Instant {
  throw new Error('not implemented yet');
}

export function latestApologyAt(_dueAt: Instant, _calendar: WorkingCalendar): Instant {
  throw new Error('not implemented yet');
}
