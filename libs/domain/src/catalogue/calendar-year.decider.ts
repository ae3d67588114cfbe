// Stream `calendar-{year}`: the year's overrides on top of the statutory skeleton (holidays, swapped
// working days). A change applies to dossiers received after it (effectiveFrom = now); received dossiers
// keep the due date they got.
import type { CalendarYearOverrides, CivilDate, Instant } from '../calendar';
import type { Actor, Command, Decider, Event } from '../core/event-sourcing.types';
import { catalogueError, requireInstant } from './catalogue.errors';

export type CalendarOverridesSet = Event<
  'CalendarOverridesSet',
  {
    year: number;
    holidays: readonly CivilDate[];
    workingDays: readonly CivilDate[];
    sources?: readonly string[];
    effectiveFrom: Instant;
    occurredAt: Instant;
  }
>;
export type CalendarYearEvent = CalendarOverridesSet;

export type SetCalendarOverrides = Command<
  'SetCalendarOverrides',
  {
    year: number;
    holidays: readonly CivilDate[];
    workingDays: readonly CivilDate[];
    sources?: readonly string[];
    now: Instant;
    actor: Actor;
  }
>;
export type CalendarYearCommand = SetCalendarOverrides;

export type CalendarYearState =
  | Readonly<{ status: 'none' }>
  | Readonly<{
      status: 'set';
      overrides: CalendarYearOverrides;
      /** 1 for the first set, +1 per change: what a dossier's calendarVersion names. */
      version: number;
      effectiveFrom: Instant;
    }>;

export const calendarYearStreamName = (year: number): string => `calendar-${year}`;

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function normalise(dates: readonly CivilDate[], year: number, field: string): CivilDate[] {
  if (!Array.isArray(dates))
    throw catalogueError('INVALID_DATE', `${field} must be a list of dates`, { field });
  for (const d of dates) {
    const m = CIVIL_DATE.exec(d);
    const valid = m && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
    if (!m || !valid)
      throw catalogueError('INVALID_DATE', `${d} is not a YYYY-MM-DD date`, { field, date: d });
    if (Number(m[1]) !== year)
      throw catalogueError('DATE_NOT_IN_YEAR', `${d} is not in ${year}`, { field, date: d });
  }
  return [...new Set(dates)].sort();
}

export function decideCalendarYear(
  command: CalendarYearCommand,
  state: CalendarYearState,
): CalendarYearEvent[] {
  switch (command.type) {
    case 'SetCalendarOverrides': {
      const d = command.data;
      if (!Number.isInteger(d.year) || d.year < 1900 || d.year > 9999) {
        throw catalogueError('INVALID_YEAR', 'year must be a four-digit year', { year: d.year });
      }
      requireInstant(d.now, 'now');
      const holidays = normalise(d.holidays, d.year, 'holidays');
      const workingDays = normalise(d.workingDays, d.year, 'workingDays');
      const both = holidays.filter((h) => workingDays.includes(h));
      if (both.length > 0) {
        throw catalogueError(
          'DATE_BOTH_HOLIDAY_AND_WORKING',
          'a date cannot be both a holiday and a working day',
          {
            dates: both,
          },
        );
      }
      if (
        state.status === 'set' &&
        sameList(state.overrides.holidays, holidays) &&
        sameList(state.overrides.workingDays, workingDays) &&
        (d.sources === undefined || sameList(state.overrides.sources ?? [], [...d.sources].sort()))
      ) {
        return [];
      }
      return [
        {
          type: 'CalendarOverridesSet',
          data: {
            year: d.year,
            holidays,
            workingDays,
            ...(d.sources === undefined ? {} : { sources: [...d.sources].sort() }),
            effectiveFrom: d.now,
            occurredAt: d.now,
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function evolveCalendarYear(state: CalendarYearState, event: CalendarYearEvent): CalendarYearState {
  switch (event.type) {
    case 'CalendarOverridesSet': {
      const { year, holidays, workingDays, sources, effectiveFrom } = event.data;
      return {
        status: 'set',
        overrides: { year, holidays, workingDays, ...(sources === undefined ? {} : { sources }) },
        version: state.status === 'set' ? state.version + 1 : 1,
        effectiveFrom,
      };
    }
    default: {
      const _exhaustive: never = event.type;
      return _exhaustive;
    }
  }
}

export const initialCalendarYearState = (): CalendarYearState => ({ status: 'none' });

export const calendarYearDecider: Decider<CalendarYearState, CalendarYearCommand, CalendarYearEvent> = {
  decide: decideCalendarYear,
  evolve: evolveCalendarYear,
  initialState: initialCalendarYearState,
};
