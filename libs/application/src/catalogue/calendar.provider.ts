import { Inject, Injectable } from '@nestjs/common';
import {
  CalendarYearOverrides,
  VN_CALENDAR_OVERRIDES,
  WorkingCalendar,
  calendarYearStreamName,
} from '@tracker/domain';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';

export type OverridesSetData = { year: number; holidays: readonly string[]; workingDays: readonly string[] };
type YearAt = { year: number; revision: bigint; overrides: CalendarYearOverrides };

export type VersionedCalendar = Readonly<{ calendar: WorkingCalendar; version: string }>;

/**
 * The working-day calendar from the `calendar-{year}` streams, falling back to the shipped overrides for
 * years nobody has set. A version names the stream revisions it was built from ("2025:3,2026:0"), so a
 * dossier can be judged later against the calendar in force when it was received.
 */
@Injectable()
export class CalendarProvider {
  /** Revisions never change once written: cache per year and revision. */
  private readonly cache = new Map<string, CalendarYearOverrides>();
  /** Built calendars by version: a calendar computes each year's skeleton once, so keep them. */
  private readonly built = new Map<string, WorkingCalendar>();
  /** The latest revision of each year, kept current by the catalogue's feed once it has caught up. */
  private readonly latestByYear = new Map<number, YearAt>();
  private live = false;
  private observed = 0;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** A `calendar-{year}` event seen on the feed or just appended by this process. */
  observe(year: number, revision: bigint, data: OverridesSetData): void {
    this.observed++;
    const known = this.latestByYear.get(year);
    const overrides = toOverrides(data);
    this.cache.set(`${year}:${revision}`, overrides);
    if (!known || known.revision < revision) this.latestByYear.set(year, { year, revision, overrides });
  }

  /** The feed has delivered every calendar event recorded before it started: no more stream reads. */
  markLive(): void {
    this.live = true;
  }

  /** Once live, changes with every calendar event observed (what current() answers may have changed);
   * undefined before: current() reads the streams, and anything built on its answers cannot be kept. */
  get version(): number | undefined {
    return this.live ? this.observed : undefined;
  }

  /** The calendar as it stands now, for the years a dossier received at `around` can touch. */
  async current(around: Date): Promise<VersionedCalendar> {
    const year = yearInVietnam(around);
    const years = [year - 1, year, year + 1, year + 2];
    const read = this.live
      ? years.map((y) => this.latestByYear.get(y))
      : await Promise.all(years.map((y) => this.latest(y)));
    const version = read
      .filter((r): r is YearAt => r !== undefined)
      .map((r) => `${r.year}:${r.revision}`)
      .join(',');
    return { calendar: this.buildOnce(version, () => read.map((r) => r?.overrides)), version };
  }

  /** The calendar a version string names (years not named use the shipped overrides). */
  async atVersion(version: string): Promise<WorkingCalendar> {
    const cached = this.built.get(version);
    if (cached) return cached;
    const named = parseVersion(version);
    const overrides = await Promise.all(named.map(({ year, revision }) => this.atRevision(year, revision)));
    return this.buildOnce(version, () => overrides);
  }

  private buildOnce(version: string, overrides: () => ReadonlyArray<CalendarYearOverrides | undefined>) {
    let calendar = this.built.get(version);
    if (!calendar) {
      if (this.built.size >= 64) this.built.delete(this.built.keys().next().value!);
      calendar = this.build(overrides());
      this.built.set(version, calendar);
    }
    return calendar;
  }

  private build(fromStreams: ReadonlyArray<CalendarYearOverrides | undefined>): WorkingCalendar {
    const byYear = new Map<number, CalendarYearOverrides>(VN_CALENDAR_OVERRIDES.map((o) => [o.year, o]));
    for (const o of fromStreams) if (o) byYear.set(o.year, o);
    return WorkingCalendar.fromOverrides([...byYear.values()].sort((a, b) => a.year - b.year));
  }

  private async latest(year: number) {
    const { events, revision } = await this.store.readStream(calendarYearStreamName(year));
    if (revision < 0n) return undefined;
    const overrides = toOverrides(events[events.length - 1].event.data as OverridesSetData);
    this.cache.set(`${year}:${revision}`, overrides);
    return { year, revision, overrides };
  }

  private async atRevision(year: number, revision: bigint): Promise<CalendarYearOverrides | undefined> {
    const key = `${year}:${revision}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { events } = await this.store.readStream(calendarYearStreamName(year));
    const at = events.find((e) => e.revision === revision);
    if (!at) return undefined;
    const overrides = toOverrides(at.event.data as OverridesSetData);
    this.cache.set(key, overrides);
    return overrides;
  }
}

function toOverrides(data: OverridesSetData): CalendarYearOverrides {
  return {
    year: data.year,
    holidays: data.holidays,
    workingDays: data.workingDays,
    sources: ['PUT /api/calendar'],
  };
}

function parseVersion(version: string): { year: number; revision: bigint }[] {
  if (!version) return [];
  return version.split(',').flatMap((part) => {
    const m = /^(\d{4}):(\d+)$/.exec(part.trim());
    return m ? [{ year: Number(m[1]), revision: BigInt(m[2]) }] : [];
  });
}

/** The calendar year in Asia/Ho_Chi_Minh (UTC+7, no DST). */
export const yearInVietnam = (instant: Date): number =>
  new Date(instant.getTime() + 7 * 3600_000).getUTCFullYear();
