import { Module } from '@nestjs/common';
import { ApplicationModule } from '../application.module';
import { ListDossiersHandler } from './list-dossiers.handler';

/** The `GET /api/dossiers` use case over the dossier-list read model (needs PROJECTION_STORE and CLOCK bound). */
@Module({ imports: [ApplicationModule], providers: [ListDossiersHandler] })
export class ListDossiersModule {}
