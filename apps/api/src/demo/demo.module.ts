import { Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ApplicationModule } from '@tracker/application';
import { DemoSeeder } from './demo.seeder';

/** `npm start -- --demo` (or TRACKER_DEMO=1): seed the demo province in the background if it is not there yet. */
@Injectable()
export class DemoOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('demo');
  constructor(private readonly seeder: DemoSeeder) {}

  async onApplicationBootstrap(): Promise<void> {
    const flag = process.argv.includes('--demo') || ['1', 'true'].includes(process.env.TRACKER_DEMO ?? '');
    if (!flag) return;
    if (await this.seeder.isSeeded()) {
      this.logger.log('demo province already seeded');
      return;
    }
    const scale = Number(process.env.TRACKER_DEMO_SCALE ?? '') || undefined;
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
