import type { Clock } from '@tracker/application';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
