import type { Decider, Event } from '@tracker/domain';
import { handleCommand } from '../command-handling/handle-command';
import type { EventStore } from '../ports/event-store.port';

/** The operators' decisions to skip poison events, one stream for all projections. */
export const PROJECTION_SKIPS_STREAM = 'projection-skips';

export type ProjectionEventSkipped = Event<
  'ProjectionEventSkipped',
  {
    /** `dossier-list.v1`: a skip holds for that version only (a new version folds differently). */
    projection: string;
    /** Commit position of the event skipped, as a decimal string. */
    position: string;
    reason: string;
    /** The error the fold threw on it, when the projection had stopped there. */
    error?: string;
    occurredAt: string;
  }
>;

type SkipEvent = Omit<ProjectionEventSkipped['data'], 'occurredAt'> & { occurredAt: string };
type SkipCommand = Event<'SkipProjectionEvent', SkipEvent>;
type Skips = ReadonlySet<string>;

const key = (projection: string, position: string) => `${projection}@${position}`;

/** Skipping twice records nothing new. */
const skipsDecider: Decider<Skips, SkipCommand, ProjectionEventSkipped> = {
  initialState: () => new Set(),
  evolve: (state, e) => new Set([...state, key(e.data.projection, e.data.position)]),
  decide: (c, state) =>
    state.has(key(c.data.projection, c.data.position))
      ? []
      : [{ type: 'ProjectionEventSkipped', data: c.data }],
};

/** Reads and records the skip decisions (`npm run projections:skip`, the projection runner). */
export class ProjectionSkips {
  constructor(private readonly store: EventStore) {}

  /** The positions skipped for this projection (`name.vN`). */
  async positions(projection: string): Promise<Set<bigint>> {
    const { events } = await this.store.readStream<ProjectionEventSkipped>(PROJECTION_SKIPS_STREAM);
    return new Set(
      events
        .filter((e) => e.event.type === 'ProjectionEventSkipped' && e.event.data.projection === projection)
        .map((e) => BigInt(e.event.data.position)),
    );
  }

  /** Records the decision; false when it was recorded already. */
  async record(decision: Omit<SkipEvent, 'occurredAt'>, actor: string, now: Date): Promise<boolean> {
    const result = await handleCommand(
      this.store,
      PROJECTION_SKIPS_STREAM,
      skipsDecider,
      { type: 'SkipProjectionEvent', data: { ...decision, occurredAt: now.toISOString() } },
      { actor, correlationId: `skip-${decision.projection}-${decision.position}` },
    );
    return result.newEvents.length > 0;
  }
}
