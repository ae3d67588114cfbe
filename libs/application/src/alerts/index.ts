export * from './alert-feed.port';
export * from './alerts.projection';
export * from './alerts.reader';
