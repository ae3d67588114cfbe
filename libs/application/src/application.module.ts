import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CalendarProvider } from './catalogue/calendar.provider';
import { CatalogueReader } from './catalogue/catalogue.reader';
import {
  DefineProcedureHandler,
  DefineUnitHandler,
  ListProceduresHandler,
  ListUnitsHandler,
  SetCalendarHandler,
} from './catalogue/catalogue.handlers';
import {
  DecidePublicationHandler,
  ListPublicationsHandler,
  MakeProcedurePublicHandler,
  PublicationViews,
  PublicationsReader,
} from './catalogue/publications';
import { ReferenceData } from './catalogue/reference-data';
import { DossierCodeAllocator } from './dossiers/dossier-code.allocator';
import { DossierStateCache } from './dossiers/dossier-state.cache';
import { GetDossierHandler } from './dossiers/get-dossier.handler';
import { ExplainDossierHandler } from './dossiers/explain-dossier.query';
import { ReceiveDossierHandler } from './dossiers/receive-dossier.handler';
import { RecordDossierStepHandler } from './dossiers/record-dossier-step.handler';
import { DossierFactsCache } from './scorecards/dossier-facts.cache';
import { FeedbackFactsCache } from './scorecards/feedback-facts.cache';
import {
  GetScorecardHandler,
  GetUnitScorecardHandler,
  ScorecardCalculator,
} from './scorecards/scorecard.queries';

/**
 * Use cases behind the CommandBus/QueryBus (the dispatch seam only: no AggregateRoot, no in-memory event bus).
 * Ports (EVENT_STORE, CLOCK, …) are bound by the infrastructure module.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    CalendarProvider,
    CatalogueReader,
    DossierCodeAllocator,
    DossierStateCache,
    ReceiveDossierHandler,
    RecordDossierStepHandler,
    GetDossierHandler,
    ExplainDossierHandler,
    DefineUnitHandler,
    DefineProcedureHandler,
    SetCalendarHandler,
    ListUnitsHandler,
    ListProceduresHandler,
    DossierFactsCache,
    ScorecardCalculator,
    GetScorecardHandler,
    GetUnitScorecardHandler,
    PublicationsReader,
    ReferenceData,
    PublicationViews,
    FeedbackFactsCache,
    DecidePublicationHandler,
    MakeProcedurePublicHandler,
    ListPublicationsHandler,
  ],
  exports: [
    CqrsModule,
    CalendarProvider,
    CatalogueReader,
    PublicationsReader,
    ReferenceData,
    DossierFactsCache,
    FeedbackFactsCache,
  ],
})
export class ApplicationModule {}
