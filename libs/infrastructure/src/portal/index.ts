export * from './http-portal-gateway.adapter';
export * from './bullmq-portal-push.queue';
export * from './portal-push.processor';
export * from './redis-portal-sync-failures';
