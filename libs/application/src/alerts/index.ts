export * from './alert-feed.port';
export * from './alerts.projection';
export * from './alerts.sink';
export * from './alerts.reader';
