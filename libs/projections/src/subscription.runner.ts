import type { Event } from '@tracker/domain';
import {
  ProjectionFoldError,
  type EventFeed,
  type FeedSubscription,
  type RecordedEvent,
} from '@tracker/application';

/**
 * What a SubscriptionRunner drives: a projection (ProjectionSink) or a reactor. The runner hands it batches
 * in `$all` order; the sink makes each batch durable together with its checkpoint.
 */
export interface SubscriptionSink {
  /** `dossier-list.v1`: in logs and health. */
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  /** Called on every (re)start: the position to resume after (exclusive), undefined for the start of `$all`. */
  open(): Promise<bigint | undefined>;
  /**
   * Handles one batch (non-empty, in order) and stores the checkpoint (the last event's position). When it
   * throws, nothing of the batch may count: the runner resubscribes from what open() then answers.
   */
  handle(events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Called once the session has committed everything recorded before it started, before it counts as live
   * (a projection rebuilt because the log changed switches its readers here). Throwing fails the session.
   */
  caughtUp?(): Promise<void>;
  close?(): Promise<void>;
  /** Records (or, with undefined, clears) that the runner stopped at a poison event. */
  stoppedAt?(poison: Poison | undefined): Promise<void>;
  /** Whether an operator decided to skip the event at this position (the sink then skips it). */
  isSkipped?(position: bigint): Promise<boolean>;
}

/** An event the sink's fold keeps failing on. */
export type Poison = Readonly<{ position: bigint; error: string }>;

export type SubscriptionRunnerOptions = Readonly<{
  /** Largest batch (default 500 events). */
  batchSize?: number;
  /** Longest an event waits for its batch to fill (default 50 ms). */
  batchMs?: number;
  /** Backoff after a failure: doubles from initialMs up to maxMs (default 100 ms … 5 s). */
  retry?: Readonly<{ initialMs?: number; maxMs?: number }>;
  /** Told about each failure (the runner keeps retrying). */
  onError?: (error: Error, sink: string) => void;
  /** Tries of a batch whose fold fails on the same event before the runner stops there (default 3). */
  poisonAfter?: number;
  /** While stopped at a poison event, how often it asks whether the event was skipped (default 2 s). */
  skipPollMs?: number;
  /** Told when the runner stops at a poison event. */
  onPoison?: (poison: Poison, sink: string) => void;
}>;

export type RunnerState = 'idle' | 'catching-up' | 'live' | 'retrying' | 'poisoned' | 'stopped';

export type RunnerStatus = Readonly<{
  name: string;
  state: RunnerState;
  /** Position of the last event committed by this runner (or loaded from the checkpoint). */
  position: bigint | undefined;
  restarts: number;
  lastError?: string;
  /** Stopped at this poison event (state 'poisoned') until it is skipped. */
  poison?: Poison;
}>;

type Session = { failed: boolean; halted: boolean; end: () => void; ended: Promise<void> };

/**
 * A durable, ordered catch-up subscription to `$all` feeding one sink in batches (up to `batchSize` events or
 * `batchMs`). Batches commit one at a time, in order, while the feed fills the next; on any failure (feed or sink) it drops what it buffered, backs
 * off and starts again from the sink's stored checkpoint, so a crash or a retry neither loses nor repeats.
 *
 * A fold that fails on the same event `poisonAfter` times in a row (a ProjectionFoldError: the code, not
 * Redis or the network) is a poison event: the runner commits what comes before it, stops there (state
 * 'poisoned', recorded through the sink for health) and waits until an operator skips it
 * (`npm run projections:skip`), then resumes after it. Other runners go on.
 */
export class SubscriptionRunner {
  private readonly batchSize: number;
  private readonly batchMs: number;
  private state: RunnerState = 'idle';
  private committed: bigint | undefined;
  private restarts = 0;
  private lastError?: string;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private caughtUp = false;
  private readonly waiters = new Set<{ test: () => boolean; resolve: () => void }>();
  /** Consecutive fold failures on one event. */
  private failing?: { position: bigint; count: number; error: string };
  private poison?: Poison;

  constructor(
    private readonly feed: EventFeed,
    readonly sink: SubscriptionSink,
    private readonly options: SubscriptionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.batchMs = options.batchMs ?? 50;
  }

  /** Starts the loop (returns at once). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops after the batch in hand is committed (or abandoned); later events wait for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
    await this.sink.close?.();
  }

  status(): RunnerStatus {
    return {
      name: this.sink.name,
      state: this.state,
      position: this.committed,
      restarts: this.restarts,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.poison ? { poison: this.poison } : {}),
    };
  }

  /** Resolves once the runner has committed (or resumed at) `position` or beyond. */
  waitForPosition(position: bigint): Promise<void> {
    return this.until(() => this.committed !== undefined && this.committed >= position);
  }

  /** Resolves once the runner has delivered everything recorded before it (re)started. */
  whenCaughtUp(): Promise<void> {
    return this.until(() => this.caughtUp);
  }

  private until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ test, resolve }));
  }

  private notify(): void {
    for (const w of this.waiters) {
      if (w.test()) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private async run(): Promise<void> {
    const initial = this.options.retry?.initialMs ?? 100;
    const max = this.options.retry?.maxMs ?? 5_000;
    for (let attempt = 0; !this.stopping; attempt++) {
      const outcome = await this.session();
      if (this.stopping) break;
      if (outcome === 'poisoned') {
        await this.awaitSkip();
        attempt = -1;
        continue;
      }
      if (outcome === 'ended') attempt = -1;
      this.restarts++;
      this.state = 'retrying';
      await this.sleep(Math.min(max, initial * 2 ** Math.min(attempt, 10)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Counts fold failures on one event; past `poisonAfter` in a row, the runner will stop there. */
  private countFailure(error: Error): void {
    if (!(error instanceof ProjectionFoldError)) return;
    const same = this.failing?.position === error.position;
    this.failing = {
      position: error.position,
      count: same ? this.failing!.count + 1 : 1,
      error: error.message,
    };
    if (this.failing.count >= (this.options.poisonAfter ?? 3)) {
      this.poison = { position: error.position, error: error.message };
    }
  }

  /** Stopped at the poison event: record it, then wait until it is skipped (or the runner stops). */
  private async awaitSkip(): Promise<void> {
    const poison = this.poison!;
    this.state = 'poisoned';
    this.notify();
    this.options.onPoison?.(poison, this.sink.name);
    await this.sink.stoppedAt?.(poison).catch(() => undefined);
    while (!this.stopping) {
      if (await this.sink.isSkipped?.(poison.position).catch(() => false)) break;
      await this.sleep(this.options.skipPollMs ?? 2_000);
    }
    if (this.stopping) return;
    await this.sink.stoppedAt?.(undefined).catch(() => undefined);
    this.poison = undefined;
    this.failing = undefined;
  }

  /**
   * One subscription from the stored checkpoint until stop, failure, or the poison event (what comes before
   * it committed).
   */
  private async session(): Promise<'ended' | 'failed' | 'poisoned'> {
    let resolveEnd!: () => void;
    const session: Session = {
      failed: false,
      halted: false,
      end: () => resolveEnd(),
      ended: new Promise((r) => (resolveEnd = r)),
    };
    this.wake = session.end;
    let subscription: FeedSubscription | undefined;
    let buffer: RecordedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let flushing: Promise<void> = Promise.resolve();

    const fail = (error: unknown) => {
      if (session.failed) return;
      session.failed = true;
      buffer = [];
      if (timer) clearTimeout(timer);
      const err = error instanceof Error ? error : new Error(String(error));
      this.lastError = err.message;
      this.countFailure(err);
      this.options.onError?.(err, this.sink.name);
      session.end();
    };
    /** Commits the buffered events after the batches before them (one commit at a time, in order). */
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const batch = buffer;
      buffer = [];
      flushing = flushing.then(async () => {
        if (session.failed || batch.length === 0) return;
        try {
          await this.sink.handle(batch);
          this.committed = batch[batch.length - 1].position;
          if (this.failing && this.committed >= this.failing.position) this.failing = undefined;
          this.notify();
        } catch (error) {
          fail(error);
        }
      });
      return flushing;
    };

    try {
      this.caughtUp = false;
      this.state = 'catching-up';
      this.committed = await this.sink.open();
      this.notify();
      if (this.stopping) return 'ended';
      subscription = this.feed.subscribe<Event>(
        {
          streamPrefixes: this.sink.streamPrefixes,
          ...(this.committed !== undefined ? { after: this.committed } : {}),
        },
        {
          onEvent: (event) => {
            if (session.failed || session.halted || this.stopping) return;
            if (this.poison && event.position >= this.poison.position) {
              // Commit what comes before the poison event, then stop there.
              session.halted = true;
              void flush().then(() => session.end());
              return;
            }
            buffer.push(event as RecordedEvent);
            if (buffer.length < this.batchSize) {
              timer ??= setTimeout(() => void flush(), this.batchMs);
              return;
            }
            // Pipelined: the feed reads the next batch while this one commits; it waits only while an
            // earlier batch is still committing, so at most two batches are held.
            const previous = flushing;
            void flush();
            return previous;
          },
          onCaughtUp: () => {
            void flush();
            // In the commit chain: later batches wait until the sink has taken its caught-up step.
            flushing = flushing.then(async () => {
              if (session.failed || session.halted) return;
              try {
                await this.sink.caughtUp?.();
              } catch (error) {
                fail(error);
                return;
              }
              this.caughtUp = true;
              this.state = 'live';
              this.notify();
            });
          },
          onError: fail,
        },
      );
      await session.ended;
      await flush();
    } catch (error) {
      fail(error);
    } finally {
      if (timer) clearTimeout(timer);
      await subscription?.stop().catch(() => undefined);
      await flushing;
    }
    return session.failed ? 'failed' : session.halted ? 'poisoned' : 'ended';
  }
}
