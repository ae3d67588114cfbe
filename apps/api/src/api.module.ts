import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ApplicationModule } from '@tracker/application';
import { InfrastructureModule, InfrastructureOptions, TokenRegistry } from '@tracker/infrastructure';
import { CatalogueHttpController } from './catalogue/catalogue.http.controller';
import { DossiersHttpController } from './dossiers/dossiers.http.controller';
import { HealthHttpController } from './health/health.http.controller';
import { AuthGuard, TOKEN_REGISTRY } from './http/auth.guard';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';

export type ApiOptions = InfrastructureOptions & { tokens: TokenRegistry };

@Module({})
export class ApiModule {
  static forRoot(options: ApiOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [InfrastructureModule.forRoot(options), ApplicationModule],
      controllers: [DossiersHttpController, CatalogueHttpController, HealthHttpController],
      providers: [
        { provide: TOKEN_REGISTRY, useValue: options.tokens },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
