import {
  Controller,
  Get,
  Header,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import {
  ApplicationModule,
  EVENT_LOG_PROBE,
  PORTAL_SYNC_ENABLED,
  PROJECTION_STORE,
  type EventLogProbe,
  type ProjectionStore,
} from '@tracker/application';
import { ENVIRONMENT, type Environment } from '@tracker/infrastructure';
import { runningProjections } from '../health/running-projections';
import { Public } from '../http/auth.guard';
import { dropEarlyDemoSeeding, forkDemoSeeding, type DemoChild } from './demo-child';
import { DemoSeeder, type DemoSeedProgress, type DemoSeedStage } from './demo.seeder';

/**
 * `off`: no demo at this start; `seeding`: dossiers being written; `catching-up`: all written, the read
 * models (board, lists, scorecards) still taking them in; `done`: the pages show the whole province.
 */
export type DemoState = 'off' | 'seeding' | 'catching-up' | 'done' | 'failed';

export type DemoStatusView = Readonly<{
  state: DemoState;
  /** Share of the work done, 0–100: the dossiers written, 100 only once the read models have them all. */
  percent: number;
  dossiers?: number;
  total?: number;
  /** The part of the year being written (see DemoSeedStage) and the last complete quarter, written second. */
  stage?: DemoSeedStage;
  quarter?: string;
  /** Events the slowest read model has still to take (at least this many when `lagCapped`). */
  lag?: number;
  lagCapped?: boolean;
}>;

/** Where the demo seeding at start stands, for `GET /api/demo` and the pages' banner. */
@Injectable()
export class DemoStatus {
  private view: DemoStatusView = { state: 'off', percent: 0 };

  get(): DemoStatusView {
    return this.view;
  }

  set(view: DemoStatusView): void {
    this.view = view;
  }

  progress({ dossiers, total, stage, quarter }: DemoSeedProgress): void {
    // 100 is for when the pages have it all.
    this.view = {
      state: 'seeding',
      percent: Math.min(99, Math.floor((dossiers / total) * 100)),
      dossiers,
      total,
      stage,
      quarter,
    };
  }
}

/** How far ahead of the read models the log may be before the demo counts as shown, read per projection. */
const LAG_CAP = 10_000;

/** Events read first when asking whether a read model is behind (see caughtUp). */
const QUICK_CAP = 256;

/** The longest the seeding waits for the read models after a stage (see caughtUpAfter). */
const STAGE_WAIT_MS = 120_000;

/**
 * `npm start -- --demo` (or TRACKER_DEMO=1): seed the demo province in the background if it is not there yet,
 * in a child process (see forkDemoSeeding), then wait until the read models have it all.
 */
@Injectable()
export class DemoOnStart implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('demo');
  private stopped = false;
  private child?: DemoChild;

  constructor(
    private readonly seeder: DemoSeeder,
    private readonly status: DemoStatus,
    @Inject(ENVIRONMENT) private readonly env: Environment,
    @Inject(PROJECTION_STORE) private readonly projections: ProjectionStore,
    @Inject(EVENT_LOG_PROBE) private readonly log: EventLogProbe,
    @Optional() @Inject(PORTAL_SYNC_ENABLED) private readonly portalEnabled: boolean = false,
  ) {}

  /**
   * As soon as this module's providers are up (the event store served), not at bootstrap: the seeding process
   * sets to work while the rest of the application starts (the worker, the reference data, HTTP).
   */
  async onModuleInit(): Promise<void> {
    // The validated configuration (main.ts folds `--demo` into it; production refuses it there).
    if (!this.env.TRACKER_DEMO) return dropEarlyDemoSeeding();
    if (await this.seeder.isSeeded()) {
      dropEarlyDemoSeeding();
      this.logger.log('demo province already seeded');
      this.status.set({ state: 'done', percent: 100 });
      return;
    }
    const scale = this.env.TRACKER_DEMO_SCALE;
    this.logger.log('seeding the demo province in the background');
    this.status.set({ state: 'seeding', percent: 0 });
    // Not awaited: the child is told to start now, and the start goes on.
    void this.run(scale);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.child?.stop();
  }

  private async run(scale: number | undefined): Promise<void> {
    const started = Date.now();
    try {
      this.child = forkDemoSeeding({
        ...(scale ? { scale } : {}),
        onLog: (line) => this.logger.log(line),
        onProgress: (progress) => this.status.progress(progress),
        onStageWritten: (stage) => this.caughtUpAfter(stage),
      });
      const report = await this.child.done;
      this.child = undefined;
      const written = report ? { dossiers: report.dossiers, total: report.dossiers } : {};
      this.status.set({ state: 'catching-up', percent: 99, ...written });
      // The pages show the province once every read model has taken what was written (the worker may run
      // in another process: ask the read models' checkpoints, as health does).
      for (;;) {
        if (this.stopped) return;
        const lag = await this.lag().catch(() => undefined);
        if (lag && lag.count === 0) break;
        if (lag) {
          this.status.set({
            state: 'catching-up',
            percent: 99,
            ...written,
            lag: lag.count,
            ...(lag.capped ? { lagCapped: true } : {}),
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      this.status.set({ state: 'done', percent: 100, ...written });
      this.logger.log(
        `demo province ready: ${report ? `written in ${(report.elapsedMs / 1000).toFixed(1)} s, ` : ''}on the pages ${((Date.now() - started) / 1000).toFixed(1)} s after the seeding began`,
      );
    } catch (error) {
      if (this.stopped) return;
      this.status.set({ state: 'failed', percent: this.status.get().percent });
      this.logger.error(`demo seeding failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The last complete quarter (the scorecards' default) written, the seeding waits until the read models have
   * it: the process's core goes to them rather than to more appends, so the pages show a final scorecard
   * early. Not after the last two weeks (the board): the read models take the log in order, so the board's
   * dossiers come first anyway, and the quarter's need the same core. Not forever: a stopped read model must
   * not hold the seeding up.
   */
  private async caughtUpAfter(stage: DemoSeedStage): Promise<void> {
    if (stage === 'recent') return this.logger.log("demo: recent written (the board's dossiers)");
    if (stage !== 'quarter') return;
    const started = Date.now();
    while (!this.stopped && Date.now() - started < STAGE_WAIT_MS) {
      if (await this.caughtUp().catch(() => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.logger.log(
      `demo: ${stage} written and taken in by the read models (waited ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  /**
   * Whether every read model has taken everything (lag() counting 0), asked cheaply: one read model at a time,
   * stopping at the first one behind, each first over a few events of the log (one of its own there is
   * enough), all LAG_CAP only when none of those was its own. Polled while the read models catch up, on their
   * core: lag() reads up to LAG_CAP events for every one of them.
   */
  private async caughtUp(): Promise<boolean> {
    for (const p of runningProjections(this.portalEnabled)) {
      const position = (await this.projections.status(p))?.checkpoint.position;
      let lag = await this.log.countAfter(p.streamPrefixes, position, QUICK_CAP);
      if (lag.count === 0 && lag.capped) lag = await this.log.countAfter(p.streamPrefixes, position, LAG_CAP);
      if (lag.count > 0) return false;
    }
    return true;
  }

  /** Events the slowest read model has still to take. */
  private async lag(): Promise<{ count: number; capped: boolean }> {
    const lags = await Promise.all(
      runningProjections(this.portalEnabled).map(async (p) => {
        const status = await this.projections.status(p);
        return this.log.countAfter(p.streamPrefixes, status?.checkpoint.position, LAG_CAP);
      }),
    );
    return lags.reduce((a, b) => (b.count > a.count ? b : a), { count: 0, capped: false });
  }
}

/** `GET /api/demo`: the demo seeding's progress, for anyone (it tells nothing of the data). */
@Controller('api/demo')
export class DemoHttpController {
  constructor(private readonly status: DemoStatus) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  get(): DemoStatusView {
    return this.status.get();
  }
}

@Module({
  imports: [ApplicationModule],
  controllers: [DemoHttpController],
  providers: [DemoSeeder, DemoStatus, DemoOnStart],
  exports: [DemoSeeder, DemoStatus],
})
export class DemoModule {}
