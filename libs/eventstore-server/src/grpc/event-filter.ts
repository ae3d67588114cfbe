import { StoredEvent } from '../storage/event-log.types';
import { BadRequestError, streamsPb } from './protocol';

export type EventFilter = (event: StoredEvent) => boolean;

export interface FilterSettings {
  readonly matches: EventFilter;
  /** Checkpoint every `interval` considered events (window × multiplier, esdb.md §4.11). */
  readonly checkpointInterval: number;
  /** Set for a stream-name prefix filter: the pump may then read those streams through their index. */
  readonly streamPrefixes?: readonly string[];
}

/** Window used when the client sends `count` instead of `max`. */
const DEFAULT_WINDOW = 32;

/** Regex wins when non-empty, otherwise any prefix; on the stream name or the event type. */
export function parseFilter(options: streamsPb.ReadReq.Options.FilterOptions): FilterSettings {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression)
    throw new BadRequestError('filter has neither a stream identifier nor an event type expression');
  const pick = onStream ? (e: StoredEvent) => e.stream : (e: StoredEvent) => e.type;
  let test: (value: string) => boolean;
  let streamPrefixes: readonly string[] | undefined;
  const regex = expression.getRegex();
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex);
    } catch {
      throw new BadRequestError(`invalid filter regex: ${regex}`);
    }
    test = (value) => compiled.test(value);
  } else {
    const prefixes = expression.getPrefixList();
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
    if (onStream) streamPrefixes = prefixes;
  }
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_WINDOW;
  const multiplier = Math.max(1, options.getCheckpointintervalmultiplier() || 1);
  return {
    matches: (event) => test(pick(event)),
    checkpointInterval: window * multiplier,
    ...(streamPrefixes ? { streamPrefixes } : {}),
  };
}
