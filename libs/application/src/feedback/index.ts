export * from './feedback.commands';
export * from './list-feedback.query';
export * from './feedback.module';
