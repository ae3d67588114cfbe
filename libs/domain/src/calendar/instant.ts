import type { CivilDate, Instant } from './calendar.types';

export function civilDateOf(_instant: Instant): CivilDate {
  throw new Error('not implemented yet');
}

export function zonedInstant(_date: CivilDate, _time: string): Instant {
  throw new Error('not implemented yet');
}
