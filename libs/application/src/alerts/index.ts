export * from './alert-feed.port';
export * from './alerts.projection';
export * from './alerts.reader';
export * from './feedback-alerts.projection';
