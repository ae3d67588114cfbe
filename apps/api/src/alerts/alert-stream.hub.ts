import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AlertsReader, type AlertFeedEntry, type AlertFeedReader } from '@tracker/application';
import { ENVIRONMENT, type Environment } from '@tracker/infrastructure';

type Listener = (entries: readonly AlertFeedEntry[]) => void;

/**
 * Every SSE client of this process is served by one blocking reader of the alerts change feed (one Redis
 * connection), started with the first client and closed after the last; a client catches up from its
 * Last-Event-ID with plain reads on the shared connection. Open streams are counted per caller.
 */
@Injectable()
export class AlertStreamHub implements OnApplicationShutdown {
  private readonly logger = new Logger('alerts-stream');
  private readonly listeners = new Set<Listener>();
  private readonly openByCaller = new Map<string, number>();
  private running?: Promise<void>;
  /** Resolves once the running loop knows where it starts: entries after that reach the listeners. */
  private started?: Promise<void>;
  private reader?: AlertFeedReader;
  private stopped = false;

  constructor(
    private readonly alerts: AlertsReader,
    @Inject(ENVIRONMENT) private readonly env: Environment,
  ) {}

  /** Counts a stream for `caller`; false when the caller already has the most the settings allow. */
  acquire(caller: string): boolean {
    const open = this.openByCaller.get(caller) ?? 0;
    if (open >= this.env.SSE_STREAMS_PER_TOKEN) return false;
    this.openByCaller.set(caller, open + 1);
    return true;
  }

  release(caller: string): void {
    const open = (this.openByCaller.get(caller) ?? 1) - 1;
    if (open <= 0) this.openByCaller.delete(caller);
    else this.openByCaller.set(caller, open);
  }

  /** Hears every entry appended from now on (once this resolves); returns the unsubscribe. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    if (!this.running) {
      let ready!: () => void;
      this.started = new Promise<void>((r) => (ready = r));
      this.running = this.run(ready);
    }
    await this.started;
    return () => this.listeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.reader?.close();
    await this.running;
  }

  private async run(ready: () => void): Promise<void> {
    const reader = (this.reader = this.alerts.reader());
    let after: string | undefined;
    let pause = 250;
    try {
      for (;;) {
        if (this.stopped || this.listeners.size === 0) {
          this.running = undefined;
          return;
        }
        try {
          if (after === undefined) {
            after = await this.alerts.lastId();
            ready();
          }
          const entries = await reader.read(after, 5_000);
          pause = 250;
          if (entries.length === 0) continue;
          after = entries[entries.length - 1].id;
          for (const listener of this.listeners) listener(entries);
        } catch {
          // Clients waiting to subscribe go on (their own catch-up read tells them Redis is away).
          ready();
          if (this.stopped) continue;
          // Redis away: the clients keep their connections (pings go on) and catch up when it is back.
          await new Promise((r) => setTimeout(r, pause));
          pause = Math.min(pause * 2, 5_000);
        }
      }
    } finally {
      ready();
      this.reader = undefined;
      await reader.close();
      if (this.stopped) this.logger.debug('stopped');
    }
  }
}
