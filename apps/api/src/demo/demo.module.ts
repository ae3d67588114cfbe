import { Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ApplicationModule } from '@tracker/application';
import { ENVIRONMENT, type Environment } from '@tracker/infrastructure';
import { DemoSeeder } from './demo.seeder';

/** `npm start -- --demo` (or TRACKER_DEMO=1): seed the demo province in the background if it is not there yet. */
@Injectable()
export class DemoOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('demo');
  constructor(
    private readonly seeder: DemoSeeder,
    @Inject(ENVIRONMENT) private readonly env: Environment,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The validated configuration (main.ts folds `--demo` into it; production refuses it there).
    if (!this.env.TRACKER_DEMO) return;
    if (await this.seeder.isSeeded()) {
      this.logger.log('demo province already seeded');
      return;
    }
    const scale = this.env.TRACKER_DEMO_SCALE;
    this.logger.log('seeding the demo province in the background');
    setImmediate(() => {
      this.seeder.seed(scale ? { scale } : {}).catch((error: unknown) => {
        this.logger.error(`demo seeding failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  }
}

@Module({
  imports: [ApplicationModule],
  providers: [DemoSeeder, DemoOnStart],
  exports: [DemoSeeder],
})
export class DemoModule {}
