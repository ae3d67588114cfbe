export * from './bullmq-connection';
export * from './bullmq-deadline-scheduler.adapter';
export * from './deadline.processor';
export * from './deadline-sweep.scheduler';
export * from './redis-alert-feed.adapter';
