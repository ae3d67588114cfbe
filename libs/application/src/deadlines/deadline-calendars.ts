import type { WorkingCalendar } from '@tracker/domain';
import type { CalendarProvider } from '../catalogue/calendar.provider';

/** Calendars by version: a version names fixed stream revisions, so it never changes and is cached for good. */
export class VersionedCalendars {
  private readonly cache = new Map<string, Promise<WorkingCalendar>>();

  constructor(private readonly provider: CalendarProvider) {}

  get(version: string): Promise<WorkingCalendar> {
    let calendar = this.cache.get(version);
    if (!calendar) {
      calendar = this.provider.atVersion(version);
      calendar.catch(() => this.cache.delete(version));
      this.cache.set(version, calendar);
    }
    return calendar;
  }
}
