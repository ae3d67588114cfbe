// The dossier page's "why late" judges as the score does (issue 13: it computed its own rule, which called a
// dossier late while its first supplement request was open and the clock stopped).
import {
  evolveDossier,
  factsOf,
  initialDossierState,
  instantMs,
  isOnTimeFacts,
  type Dossier,
  type DossierEvent,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';
import { explainDossier } from './explain-dossier';

// Received Monday 03-03 08:00, due Monday 03-10 08:00 (the fixtures).
const at = (day: string, time = '09:00') => `2025-03-${day}T${time}:00+07:00`;
const stateOf = (events: DossierEvent[]) => events.reduce(evolveDossier, initialDossierState()) as Dossier;

const CASES: [string, DossierEvent[], string][] = [
  ['a first supplement request still open past the due date', [f.supplementRequested(at('05'))], at('20')],
  [
    'a closed round that pushes the due date past now',
    [f.supplementRequested(at('05')), f.supplementReceived(at('12'))],
    at('14'),
  ],
  [
    'a closed round, now past the pushed due date',
    [f.supplementRequested(at('05')), f.supplementReceived(at('12'))],
    at('20'),
  ],
  [
    'a second request open',
    [f.supplementRequested(at('04')), f.supplementReceived(at('05')), f.supplementRequested(at('06'))],
    at('07'),
  ],
  ['a request made after the due date', [f.supplementRequested(at('11'))], at('20')],
  [
    'finished after a closed round',
    [f.supplementRequested(at('05')), f.supplementReceived(at('08')), f.processed(at('12'))],
    at('20'),
  ],
  [
    'finished late after a closed round',
    [f.supplementRequested(at('05')), f.supplementReceived(at('06')), f.processed(at('14'))],
    at('20'),
  ],
];

describe('explainDossier', () => {
  it.each(CASES)(
    '%s: the verdict is the score’s, and "late" is given only when the score says so',
    (_name, steps, now) => {
      const events = [f.received(), ...steps];
      const state = stateOf(events);
      const why = explainDossier(state, f.calendar, now);
      const end = instantMs(state.finishedAt ?? now);
      const score = isOnTimeFacts(factsOf(f.CODE, events), end);
      expect(why.verdict.onTime).toBe(score);
      if (state.finishedAt !== null) expect(why.onTime).toBe(score);
      const lateReason = why.reasons.some((r) => r.kind === 'late');
      if (score) {
        expect(lateReason).toBe(false);
        expect(why.overByWorkingMs).toBe(0);
      }
      expect(lateReason).toBe(why.overByWorkingMs > 0);
    },
  );

  it('stops the clock while the first supplement request is open (what the page used to count as late)', () => {
    const state = stateOf([f.received(), f.supplementRequested(at('05'))]);
    const why = explainDossier(state, f.calendar, at('20'));
    expect(why.verdict).toMatchObject({ onTime: true, clockStopped: true, requests: 1 });
    expect(why.verdict.judgedAt).toBe('2025-03-05T09:00:00.000+07:00');
    expect(why.overByWorkingMs).toBe(0);
    expect(why.usedWorkingMs).toBe((7 + 7.5 + 1.5) * 3_600_000); // Mon 08:00 → Wed 09:00
  });

  it('counts the working time over the due date when the score says late', () => {
    const state = stateOf([f.received(), f.supplementRequested(at('05')), f.supplementReceived(at('06'))]);
    const why = explainDossier(state, f.calendar, at('12', '09:00'));
    // E − S = Wed 03-12 09:00 − 1 day = Tue 03-11 09:00: Mon 08:00–17:00 (7 h) and Tue 07:30–09:00 past due.
    expect(why.verdict.onTime).toBe(false);
    expect(why.overByWorkingMs).toBe((7 + 1.5) * 3_600_000);
    expect(why.reasons.map((r) => r.kind)).toEqual(['supplement', 'late']);
  });
});
