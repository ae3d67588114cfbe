import { Module } from '@nestjs/common';
import { AlertsReader, ApplicationModule } from '@tracker/application';
import { AlertBoard } from '../alerts/alert-board';
import { DemoModule } from '../demo/demo.module';
import { DashboardHttpController } from './dashboard.http.controller';
import { DashboardPagesController } from './dashboard-pages.controller';

/** The web pages (apps/api/public) at `/`, the few read routes they need under `/api/dashboard`, the demo. */
@Module({
  imports: [ApplicationModule, DemoModule],
  controllers: [DashboardHttpController, DashboardPagesController],
  providers: [AlertsReader, AlertBoard],
})
export class DashboardModule {}
