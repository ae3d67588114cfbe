export * from './dossier.events';
export * from './dossier.commands';
export * from './dossier.state';
export * from './dossier.errors';
export * from './dossier.on-time';
export * from './steps';
export { isSystemEvent, POST_FINISH_EVENT_TYPES, type LifecycleView } from './dossier.timeline';
export {
  dossierDecider,
  decide as decideDossier,
  evolve as evolveDossier,
  initialState as initialDossierState,
  overdueInvalidity,
  dossierAt,
  sameFacts,
} from './dossier.decider';
