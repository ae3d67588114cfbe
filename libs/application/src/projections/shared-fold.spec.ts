import { evolveDossier, initialDossierState, type DossierEvent, type DossierState } from '@tracker/domain';
import {
  CODE,
  processed,
  received,
  resultReturned,
  supplementRequested,
} from '@tracker/testing/fixtures/dossier.fixtures';
import { alertsProjection } from '../alerts/alerts.projection';
import { deadlineSchedulingProjection } from '../deadlines/deadline-scheduling.projection';
import { applyProjection } from './apply-projection';
import { dossierListProjection } from './dossier-list.projection';
import type { ProjectedEvent } from './projection';
import { sharedDossierFold, sharedEvolve } from './shared-fold';

const lifeOf = (): DossierEvent[] => [
  received(),
  supplementRequested('2025-03-04T09:00:00+07:00'),
  processed('2025-03-06T10:00:00+07:00'),
  resultReturned('2025-03-07T10:00:00+07:00'),
];

describe('sharedEvolve', () => {
  it('gives the state the plain evolve gives, for every event', () => {
    let plain: DossierState = initialDossierState();
    let shared = sharedDossierFold.initial;
    for (const event of lifeOf()) {
      plain = evolveDossier(plain, event);
      shared = sharedDossierFold.evolve(shared, event);
      expect(shared).toEqual(plain);
    }
  });

  it('folds each (state, event) once: a second fold of the same events returns the same objects', () => {
    const calls: DossierEvent[] = [];
    const evolve = sharedEvolve<DossierState, DossierEvent>((s, e) => {
      calls.push(e);
      return evolveDossier(s, e);
    });
    const events = lifeOf();
    const start = initialDossierState();
    const first = events.reduce<DossierState[]>((xs, e) => [...xs, evolve(xs[xs.length - 1], e)], [start]);
    const second = events.reduce<DossierState[]>((xs, e) => [...xs, evolve(xs[xs.length - 1], e)], [start]);
    expect(calls).toHaveLength(events.length);
    second.forEach((s, i) => expect(s).toBe(first[i]));
  });

  it('computes again for another event or another state object with the same content', () => {
    let n = 0;
    const evolve = sharedEvolve<DossierState, DossierEvent>((s, e) => (n++, evolveDossier(s, e)));
    const start = initialDossierState();
    const a = evolve(start, received());
    const b = evolve(start, received({ code: 'U01-250303-0002' }));
    expect(n).toBe(2);
    expect(b).not.toBe(a);
    expect(evolve(initialDossierState(), received())).toEqual(a);
    expect(n).toBe(3);
  });

  it('keeps the shared initial state frozen, so no fold can change it for the others', () => {
    expect(Object.isFrozen(sharedDossierFold.initial)).toBe(true);
  });

  it('lets dossier-list, alerts and deadline-scheduling fold a batch of the shared feed into the same states', () => {
    const events = [received(), supplementRequested('2025-03-04T09:00:00+07:00')].map(
      (event, i): ProjectedEvent<DossierEvent> => ({
        event,
        id: `e${i}`,
        streamName: `dossier-${CODE}`,
        revision: BigInt(i),
        position: BigInt(i + 1) * 10n,
        metadata: {} as ProjectedEvent['metadata'],
        recordedAt: new Date(0),
      }),
    );
    const folded = <D>(p: Parameters<typeof applyProjection<D, DossierEvent>>[0]) =>
      applyProjection(p, new Map(), events).changes[0].after!.doc;
    const list = folded(dossierListProjection);
    expect(folded(alertsProjection).dossier).toBe(list);
    expect(folded(deadlineSchedulingProjection).dossier).toBe(list);
    expect(list).toEqual(events.reduce((s, e) => evolveDossier(s, e.event), initialDossierState()));
  });
});
