export * from './deadline-scheduler.port';
export * from './deadline-calendars';
export * from './deadline-scheduling.projection';
export * from './deadline-flagger';
export * from './deadline-sweep';
export * from './feedback-deadline-scheduling.projection';
