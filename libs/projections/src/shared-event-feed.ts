import type { Event } from '@tracker/domain';
import type {
  EventFeed,
  FeedHandlers,
  FeedOptions,
  FeedSubscription,
  RecordedEvent,
} from '@tracker/application';

type Member = {
  prefixes: readonly string[];
  handlers: FeedHandlers<Event>;
  /** Position of the last event handed to it (or where it asked to start): it never sees one at or before. */
  last: bigint | undefined;
  /** The upstream subscription it is served by (members join a fresh one: see subscribe). */
  epoch: number;
  caughtUp: boolean;
};

/**
 * One catch-up subscription to `$all` shared by several subscribers (the worker's projections and reactors), so
 * `$all` is read and decoded once however many there are. Each subscriber still sees its own ordered feed: the
 * events of its stream prefixes strictly after its own position, each once.
 *
 * Whenever a subscriber joins (a start, or a restart after its sink failed), the upstream subscription is
 * restarted from the lowest position among the subscribers, with the union of their prefixes; the others skip
 * what they already had. A subscriber that leaves (stops or fails) does not disturb the others. Events are
 * handed to every subscriber before the next one is read, so the slowest sets the pace (memory stays bounded).
 */
export class SharedEventFeed implements EventFeed {
  private readonly members = new Set<Member>();
  private upstream?: FeedSubscription;
  private epoch = 0;
  private restartQueued = false;
  private chain: Promise<void> = Promise.resolve();

  /** `wide`: the subscribers' prefixes together cover most of `$all` (FeedOptions.wide). */
  constructor(
    private readonly feed: EventFeed,
    private readonly options: Readonly<{ wide?: boolean }> = {},
  ) {}

  subscribe<E extends Event>(options: FeedOptions, handlers: FeedHandlers<E>): FeedSubscription {
    const member: Member = {
      prefixes: options.streamPrefixes,
      handlers: handlers as FeedHandlers<Event>,
      last: options.after,
      epoch: -1,
      caughtUp: false,
    };
    this.members.add(member);
    this.queueRestart();
    return {
      stop: async () => {
        if (!this.members.delete(member)) return;
        if (this.members.size === 0) await this.enqueue(() => this.stopUpstream());
      },
    };
  }

  /** Joins in the same tick (a worker starting its runners) share one restart. */
  private queueRestart(): void {
    if (this.restartQueued) return;
    this.restartQueued = true;
    setImmediate(() => {
      this.restartQueued = false;
      void this.enqueue(() => this.restart());
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step, step);
    return this.chain;
  }

  private async stopUpstream(): Promise<void> {
    const upstream = this.upstream;
    this.upstream = undefined;
    this.epoch++;
    await upstream?.stop().catch(() => undefined);
  }

  private async restart(): Promise<void> {
    await this.stopUpstream();
    const members = [...this.members];
    if (members.length === 0) return;
    const epoch = this.epoch;
    let from: bigint | undefined = members[0].last;
    for (const m of members) {
      m.epoch = epoch;
      if (m.last === undefined || (from !== undefined && m.last < from)) from = m.last;
    }
    const prefixes = [...new Set(members.flatMap((m) => m.prefixes))];
    const serving = () => [...this.members].filter((m) => m.epoch === epoch);
    this.upstream = this.feed.subscribe<Event>(
      {
        streamPrefixes: prefixes,
        ...(this.options.wide ? { wide: true } : {}),
        ...(from !== undefined ? { after: from } : {}),
      },
      {
        onEvent: (event) => (epoch === this.epoch ? this.deliver(event, epoch) : undefined),
        onCaughtUp: () => {
          if (epoch !== this.epoch) return;
          for (const m of serving()) {
            if (m.caughtUp) continue;
            m.caughtUp = true;
            m.handlers.onCaughtUp?.();
          }
        },
        onError: (error) => {
          if (epoch !== this.epoch) return;
          for (const m of serving()) m.handlers.onError?.(error);
        },
      },
    );
  }

  private deliver(event: RecordedEvent<Event>, epoch: number): void | Promise<void> {
    let waits: Promise<void>[] | undefined;
    for (const m of this.members) {
      if (m.epoch !== epoch || (m.last !== undefined && event.position <= m.last)) continue;
      if (!m.prefixes.some((p) => event.streamName.startsWith(p))) continue;
      m.last = event.position;
      try {
        const wait = m.handlers.onEvent(event);
        if (wait) (waits ??= []).push(wait.catch((error: unknown) => this.drop(m, error)));
      } catch (error) {
        this.drop(m, error);
      }
    }
    if (waits) return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  /** A subscriber whose handler threw leaves; it is told through onError and may subscribe again. */
  private drop(m: Member, error: unknown): void {
    if (!this.members.delete(m)) return;
    m.handlers.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
