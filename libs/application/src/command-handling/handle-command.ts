import { Command, Decider, Event } from '@tracker/domain';
import {
  EventMetadata,
  EventStore,
  ExpectedRevision,
  ExpectedRevisionConflict,
} from '../ports/event-store.port';
import { eventId } from './event-ids';

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

export type HandleCommandOptions = Readonly<{ retries?: number }>;

/**
 * Read the stream, fold it, decide, append with the expected revision; on a conflict, re-read and
 * re-decide (a concurrent writer may have made the command redundant or illegal).
 */
export async function handleCommand<S, C extends Command, E extends Event>(
  store: EventStore,
  streamName: string,
  decider: Decider<S, C, E>,
  command: C | ((state: S) => C | Promise<C>),
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<S, E>> {
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const { events, revision } = await store.readStream<E>(streamName);
    const state = events.reduce((s, r) => decider.evolve(s, r.event), decider.initialState());
    const cmd = typeof command === 'function' ? await command(state) : command;
    const newEvents = decider.decide(cmd, state);
    if (newEvents.length === 0) return { state, newEvents, revision };

    const expected: ExpectedRevision = revision < 0n ? 'no_stream' : revision;
    const toAppend = newEvents.map((event, i) => ({
      event,
      id: eventId(context.idempotencyScope, streamName, i),
      metadata: metadataFor(event, context),
    }));
    try {
      const result = await store.appendToStream(streamName, toAppend, expected);
      return {
        state: newEvents.reduce(decider.evolve, state),
        newEvents,
        revision: result.nextExpectedRevision,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof ExpectedRevisionConflict) || attempt >= retries) throw error;
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
