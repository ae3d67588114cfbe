import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import {
  AlertsReader,
  ApplicationModule,
  FeedbackModule,
  ListDossiersModule,
  PortalSyncReader,
} from '@tracker/application';
import { AlertsHttpController } from './alerts/alerts.http.controller';
import { AlertBoard } from './alerts/alert-board';
import { AlertStreamHub } from './alerts/alert-stream.hub';
import {
  InfrastructureModule,
  InfrastructureOptions,
  TokenRegistry,
  UsersFile,
} from '@tracker/infrastructure';
import { CatalogueHttpController } from './catalogue/catalogue.http.controller';
import { PublicationsHttpController } from './catalogue/publications.http.controller';
import { DossierListHttpController } from './dossiers/dossier-list.http.controller';
import { DossiersHttpController } from './dossiers/dossiers.http.controller';
import { StepTypesHttpController } from './dossiers/step-types.http.controller';
import { HealthHttpController } from './health/health.http.controller';
import { AuthGuard, IdentifyGuard, TOKEN_REGISTRY } from './http/auth.guard';
import { IdempotencyGuard } from './http/idempotency.guard';
import { ReadinessGuard } from './http/readiness.guard';
import { strangerThrottling } from './http/stranger-throttling';
import { ScorecardsHttpController } from './scorecards/scorecards.http.controller';
import { ScorecardWarmUp } from './scorecards/scorecard-warm-up';
import { SyncHttpController } from './sync/sync.http.controller';
import { DashboardModule } from './dashboard/dashboard.module';
import { FeedbackHttpController } from './feedback/feedback.http.controller';
import { WorkerModule, WorkerOptions } from '@tracker/projections';
import { SessionAuth, USERS_FILE } from './session/session-auth';
import { SessionHttpController } from './session/session.http.controller';

export type ApiOptions = InfrastructureOptions & {
  tokens: TokenRegistry;
  /** The users file, already read (main.ts reads it before anything starts); else read from the settings. */
  users?: UsersFile | null;
  /** Run the worker (projections) in this process, sharing its event store connection (`npm start`). */
  worker?: WorkerOptions | boolean;
};

@Module({})
export class ApiModule {
  static forRoot(options: ApiOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        InfrastructureModule.forRoot(options),
        ThrottlerModule.forRoot(strangerThrottling(options.env)),
        ApplicationModule,
        ListDossiersModule,
        FeedbackModule,
        DashboardModule,
        ...(options.worker ? [WorkerModule.forRoot(options.worker === true ? {} : options.worker)] : []),
      ],
      controllers: [
        DossierListHttpController,
        DossiersHttpController,
        StepTypesHttpController,
        CatalogueHttpController,
        PublicationsHttpController,
        HealthHttpController,
        AlertsHttpController,
        ScorecardsHttpController,
        FeedbackHttpController,
        SyncHttpController,
        SessionHttpController,
      ],
      providers: [
        { provide: TOKEN_REGISTRY, useValue: options.tokens },
        {
          provide: USERS_FILE,
          useValue:
            options.users !== undefined
              ? options.users
              : options.env.TRACKER_USERS_FILE
                ? new UsersFile(options.env.TRACKER_USERS_FILE)
                : null,
        },
        SessionAuth,
        AlertsReader,
        PortalSyncReader,
        AlertStreamHub,
        AlertBoard,
        ScorecardWarmUp,
        // Global guards run in this order: who the caller is (token or session), then strangers are counted
        // (failed authentications too), then the route's roles are checked; a write's Idempotency-Key last.
        { provide: APP_GUARD, useClass: IdentifyGuard },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: ReadinessGuard },
        { provide: APP_GUARD, useClass: IdempotencyGuard },
      ],
    };
  }
}
