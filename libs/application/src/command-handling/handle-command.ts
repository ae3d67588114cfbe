import { Command, Decider, Event } from '@tracker/domain';
import {
  EventMetadata,
  EventStore,
  ExpectedRevision,
  ExpectedRevisionConflict,
} from '../ports/event-store.port';
import { eventId } from './event-ids';
import { StreamStateCache } from './stream-state.cache';

/** Who and why: copied into every appended event's metadata. */
export type CommandContext = Readonly<{
  actor: string;
  role?: string;
  correlationId: string;
  causationId?: string;
  /** Scope of the request's Idempotency-Key (caller + key): makes event ids deterministic. */
  idempotencyScope?: string;
}>;

export type CommandResult<S, E extends Event> = Readonly<{
  /** State after the decision (the stream's state when nothing was decided). */
  state: S;
  newEvents: E[];
  /** Revision of the stream's last event, -1n when it does not exist. */
  revision: bigint;
  position?: bigint;
}>;

export type HandleCommandOptions<S> = Readonly<{
  retries?: number;
  /** Known states of recently written streams: a hit saves the read (the append still checks the revision). */
  cache?: StreamStateCache<S>;
  /** The stream is expected not to exist yet (a new dossier): decide on the initial state without reading. */
  expectNew?: boolean;
}>;

/**
 * Read the stream, fold it, decide, append with the expected revision; on a conflict, re-read and
 * re-decide (a concurrent writer may have made the command redundant or illegal).
 *
 * With a cache hit or `expectNew`, the first decision is made on an assumed state instead of a read. The
 * append's expected revision proves the assumption; a refusal or an empty decision is only trusted after a
 * read, since the stream may have moved on in a way that changes the answer.
 */
export async function handleCommand<S, C extends Command, E extends Event>(
  store: EventStore,
  streamName: string,
  decider: Decider<S, C, E>,
  command: C | ((state: S) => C | Promise<C>),
  context: CommandContext,
  options: HandleCommandOptions<S> = {},
): Promise<CommandResult<S, E>> {
  const retries = options.retries ?? 5;
  const { cache } = options;
  let assumed =
    cache?.get(streamName) ??
    (options.expectNew ? { state: decider.initialState(), revision: -1n } : undefined);
  for (let attempt = 0; ;) {
    let state: S;
    let revision: bigint;
    if (assumed) {
      ({ state, revision } = assumed);
    } else {
      const read = await store.readStream<E>(streamName);
      revision = read.revision;
      state = read.events.reduce((s, r) => decider.evolve(s, r.event), decider.initialState());
      cache?.set(streamName, state, revision);
    }
    let newEvents: E[];
    try {
      const cmd = typeof command === 'function' ? await command(state) : command;
      newEvents = decider.decide(cmd, state);
    } catch (error) {
      if (!assumed) throw error;
      assumed = undefined;
      continue;
    }
    if (newEvents.length === 0) {
      if (assumed) {
        assumed = undefined;
        continue;
      }
      return { state, newEvents, revision };
    }

    const expected: ExpectedRevision = revision < 0n ? 'no_stream' : revision;
    const toAppend = newEvents.map((event, i) => ({
      event,
      id: eventId(context.idempotencyScope, streamName, i),
      metadata: metadataFor(event, context),
    }));
    try {
      const result = await store.appendToStream(streamName, toAppend, expected);
      const after = newEvents.reduce(decider.evolve, state);
      cache?.set(streamName, after, result.nextExpectedRevision);
      return { state: after, newEvents, revision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      cache?.delete(streamName);
      if (!(error instanceof ExpectedRevisionConflict)) throw error;
      // A wrong assumption costs a read, not one of the retries.
      if (assumed) assumed = undefined;
      else if (++attempt > retries) throw error;
    }
  }
}

function metadataFor(event: Event, context: CommandContext): EventMetadata {
  const occurredAt = (event.data as { occurredAt?: unknown }).occurredAt;
  return {
    actor: context.actor,
    ...(context.role ? { role: context.role } : {}),
    correlationId: context.correlationId,
    causationId: context.causationId ?? context.correlationId,
    ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
  };
}
