export const CLOCK = Symbol('CLOCK');

/** The only source of "now" for use cases, so tests can move time. */
export interface Clock {
  now(): Date;
}
