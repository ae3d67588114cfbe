import type { Event } from '@tracker/domain';
import {
  ProjectionFoldError,
  type EventFeed,
  type FeedHandlers,
  type FeedOptions,
  type FeedSubscription,
  type RecordedEvent,
} from '@tracker/application';
import { SharedEventFeed } from './shared-event-feed';
import { Poison, SubscriptionRunner, SubscriptionSink } from './subscription.runner';

/** An in-memory `$all`: subscriptions replay what is recorded after `after`, then follow appends. */
class MemoryFeed implements EventFeed {
  readonly log: RecordedEvent[] = [];
  readonly subscriptions: FeedOptions[] = [];
  private readonly listeners = new Set<() => void>();

  append(streamName: string, n = 1): void {
    for (let i = 0; i < n; i++) {
      const position = BigInt(this.log.length + 1) * 10n;
      this.log.push({
        event: { type: 'Happened', data: { n: this.log.length } } as Event,
        id: `e${position}`,
        streamName,
        revision: 0n,
        position,
        metadata: {},
        recordedAt: new Date(0),
      });
    }
    for (const l of this.listeners) l();
  }

  subscribe<E extends Event>(options: FeedOptions, handlers: FeedHandlers<E>): FeedSubscription {
    this.subscriptions.push(options);
    let stopped = false;
    let wake = () => undefined as void;
    const listener = () => wake();
    this.listeners.add(listener);
    const run = async () => {
      let i = this.log.findIndex((e) => options.after === undefined || e.position > options.after);
      if (i < 0) i = this.log.length;
      const head = this.log.length;
      let caughtUp = false;
      while (!stopped) {
        if (i >= head && !caughtUp) {
          caughtUp = true;
          handlers.onCaughtUp?.();
        }
        if (i >= this.log.length) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        const e = this.log[i++];
        if (options.streamPrefixes.some((p) => e.streamName.startsWith(p)))
          await handlers.onEvent(e as RecordedEvent<E>);
        await Promise.resolve();
      }
    };
    const done = run();
    return {
      stop: async () => {
        stopped = true;
        this.listeners.delete(listener);
        wake();
        await done;
      },
    };
  }
}

/** A sink with an in-memory checkpoint, committed with its events (as the store does in one MULTI/EXEC). */
class MemorySink implements SubscriptionSink {
  readonly seen: bigint[] = [];
  checkpoint: bigint | undefined;
  failNext = 0;
  delayMs = 0;

  constructor(
    readonly name: string,
    readonly streamPrefixes: readonly string[],
    start?: bigint,
  ) {
    this.checkpoint = start;
  }

  open(): Promise<bigint | undefined> {
    return Promise.resolve(this.checkpoint);
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`${this.name} failed`);
    }
    for (const e of events) {
      if (this.checkpoint !== undefined && e.position <= this.checkpoint) throw new Error('delivered twice');
      this.seen.push(e.position);
    }
    this.checkpoint = events[events.length - 1].position;
  }
}

const positionsOf = (feed: MemoryFeed, prefixes: string[], after?: bigint) =>
  feed.log
    .filter(
      (e) => prefixes.some((p) => e.streamName.startsWith(p)) && (after === undefined || e.position > after),
    )
    .map((e) => e.position);

const runner = (feed: EventFeed, sink: MemorySink) =>
  new SubscriptionRunner(feed, sink, { batchSize: 7, batchMs: 1, retry: { initialMs: 1, maxMs: 5 } });

describe('SharedEventFeed', () => {
  it('reads `$all` once for sinks at different checkpoints; each gets its own events once, in order', async () => {
    const upstream = new MemoryFeed();
    for (let i = 0; i < 20; i++) {
      upstream.append(`dossier-${i}`, 3);
      upstream.append(`unit-${i}`);
    }
    const shared = new SharedEventFeed(upstream);
    const behind = new MemorySink('behind', ['dossier-']);
    const ahead = new MemorySink('ahead', ['dossier-', 'unit-'], 400n);
    const runners = [runner(shared, behind), runner(shared, ahead)];
    runners.forEach((r) => r.start());
    await Promise.all(runners.map((r) => r.whenCaughtUp()));
    upstream.append('dossier-x', 5);
    upstream.append('unit-x', 2);
    const head = upstream.log[upstream.log.length - 1].position;
    await runners[0].waitForPosition(head - 20n);
    await runners[1].waitForPosition(head);
    await Promise.all(runners.map((r) => r.stop()));

    expect(behind.seen).toEqual(positionsOf(upstream, ['dossier-']));
    expect(ahead.seen).toEqual(positionsOf(upstream, ['dossier-', 'unit-'], 400n));
    // Both joined in the same tick: one upstream subscription, from the lowest checkpoint, both prefixes.
    expect(upstream.subscriptions).toEqual([{ streamPrefixes: ['dossier-', 'unit-'] }]);
  });

  it('restarts from the lowest checkpoint when a sink fails; the other neither loses nor repeats an event', async () => {
    const upstream = new MemoryFeed();
    for (let i = 0; i < 30; i++) upstream.append(`dossier-${i}`, 4);
    const shared = new SharedEventFeed(upstream);
    const healthy = new MemorySink('healthy', ['dossier-']);
    const flaky = new MemorySink('flaky', ['dossier-']);
    flaky.failNext = 2;
    flaky.delayMs = 1;
    const errors: string[] = [];
    const runners = [healthy, flaky].map(
      (sink) =>
        new SubscriptionRunner(shared, sink, {
          batchSize: 10,
          batchMs: 1,
          retry: { initialMs: 1, maxMs: 5 },
          onError: (e, name) => errors.push(`${name}: ${e.message}`),
        }),
    );
    runners.forEach((r) => r.start());
    const head = upstream.log[upstream.log.length - 1].position;
    await Promise.all(runners.map((r) => r.waitForPosition(head)));
    upstream.append('dossier-late', 3);
    const last = upstream.log[upstream.log.length - 1].position;
    await Promise.all(runners.map((r) => r.waitForPosition(last)));
    await Promise.all(runners.map((r) => r.stop()));

    expect(errors).toEqual(['flaky: flaky failed', 'flaky: flaky failed']);
    expect(healthy.seen).toEqual(positionsOf(upstream, ['dossier-']));
    expect(flaky.seen).toEqual(positionsOf(upstream, ['dossier-']));
    expect(runners[1].status().restarts).toBe(2);
    // The failed sink rejoined behind: the shared feed was restarted from its checkpoint.
    expect(upstream.subscriptions.length).toBeGreaterThanOrEqual(3);
  });

  it('a subscriber whose handler throws leaves with an error; the others go on', async () => {
    const upstream = new MemoryFeed();
    upstream.append('dossier-a', 5);
    const shared = new SharedEventFeed(upstream);
    const good: bigint[] = [];
    const errors: Error[] = [];
    const ok = shared.subscribe(
      { streamPrefixes: ['dossier-'] },
      { onEvent: (e) => void good.push(e.position) },
    );
    const bad = shared.subscribe(
      { streamPrefixes: ['dossier-'] },
      {
        onEvent: () => {
          throw new Error('boom');
        },
        onError: (e) => errors.push(e),
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    upstream.append('dossier-b', 2);
    await new Promise((r) => setTimeout(r, 20));
    await ok.stop();
    await bad.stop();
    expect(good).toEqual(positionsOf(upstream, ['dossier-']));
    expect(errors.map((e) => e.message)).toEqual(['boom']);
  });
});

/** A sink whose fold throws on one event until it is skipped, as ProjectionSink does with a poison event. */
class PoisonedSink extends MemorySink {
  skipped = false;
  tries = 0;
  readonly stops: (Poison | undefined)[] = [];

  constructor(
    name: string,
    prefixes: readonly string[],
    readonly poison: bigint,
  ) {
    super(name, prefixes);
  }

  override handle(events: readonly RecordedEvent[]): Promise<void> {
    const bad = events.find((e) => e.position === this.poison);
    if (bad && !this.skipped) {
      this.tries++;
      const cause = new Error('not an instant');
      return Promise.reject(
        new ProjectionFoldError(this.name, bad.position, 'Happened', bad.streamName, cause),
      );
    }
    return super.handle(events.filter((e) => e.position !== this.poison || !this.skipped));
  }

  stoppedAt(poison: Poison | undefined): Promise<void> {
    this.stops.push(poison);
    return Promise.resolve();
  }

  isSkipped(position: bigint): Promise<boolean> {
    return Promise.resolve(this.skipped && position === this.poison);
  }
}

describe('SubscriptionRunner and a poison event', () => {
  it('stops after three tries right before it, visibly, while the others go on; resumes after it once skipped', async () => {
    const upstream = new MemoryFeed();
    for (let i = 0; i < 10; i++) upstream.append(`dossier-${i}`, 3);
    const poison = upstream.log[13].position;
    const shared = new SharedEventFeed(upstream);
    const healthy = new MemorySink('healthy', ['dossier-']);
    const sick = new PoisonedSink('sick', ['dossier-'], poison);
    const poisoned: string[] = [];
    const runners = [healthy, sick].map(
      (sink) =>
        new SubscriptionRunner(shared, sink, {
          batchSize: 5,
          batchMs: 1,
          retry: { initialMs: 1, maxMs: 5 },
          skipPollMs: 2,
          onPoison: (p, name) => poisoned.push(`${name} at ${p.position}`),
        }),
    );
    runners.forEach((r) => r.start());
    const head = upstream.log[upstream.log.length - 1].position;
    await runners[0].waitForPosition(head);
    for (let i = 0; i < 200 && runners[1].status().state !== 'poisoned'; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    upstream.append('dossier-late', 2);
    const last = upstream.log[upstream.log.length - 1].position;
    await runners[0].waitForPosition(last);

    const status = runners[1].status();
    expect(status.state).toBe('poisoned');
    expect(status.poison).toEqual({ position: poison, error: expect.stringMatching(/not an instant/) });
    expect(sick.tries).toBe(3);
    expect(poisoned).toEqual([`sick at ${poison}`]);
    expect(sick.stops).toEqual([
      { position: poison, error: expect.stringMatching(/sick: folding Happened/) },
    ]);
    // Everything before the poison event is committed, nothing after it.
    expect(sick.seen).toEqual(positionsOf(upstream, ['dossier-']).filter((p) => p < poison));
    expect(healthy.seen).toEqual(positionsOf(upstream, ['dossier-']));

    sick.skipped = true;
    await runners[1].waitForPosition(last);
    await Promise.all(runners.map((r) => r.stop()));
    expect(sick.seen).toEqual(positionsOf(upstream, ['dossier-']).filter((p) => p !== poison));
    expect(sick.stops).toEqual([{ position: poison, error: expect.any(String) }, undefined]);
    expect(runners[1].status().poison).toBeUndefined();
  });

  it('keeps retrying an error that is not the fold (Redis, the network): no stop', async () => {
    const upstream = new MemoryFeed();
    upstream.append('dossier-a', 6);
    const sink = new MemorySink('flaky', ['dossier-']);
    sink.failNext = 5;
    const r = runner(upstream, sink);
    r.start();
    await r.waitForPosition(upstream.log[upstream.log.length - 1].position);
    await r.stop();
    expect(r.status().restarts).toBe(5);
    expect(r.status().poison).toBeUndefined();
    expect(sink.seen).toEqual(positionsOf(upstream, ['dossier-']));
  });
});
