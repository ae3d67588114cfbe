import {
  DEFAULT_DEADLINE_POLICY,
  deadlineJobId,
  deadlineLadder,
  deadlinePlan,
  dossierDecider,
  evolveDossier,
  initialDossierState,
  instantFromMs,
  instantMs,
  ladderFor,
  type DeadlineInstant,
  type DossierEvent,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';

const fold = (events: DossierEvent[]) => events.reduce(evolveDossier, initialDossierState());
const show = (rungs: DeadlineInstant[]) =>
  rungs.map((r) => [r.stage, instantFromMs(r.atMs), instantFromMs(r.dueMs)]);
const ladderOf = (events: DossierEvent[]) => show(deadlineLadder(fold(events), f.calendar));

// Office hours 07:30–11:30 and 13:30–17:00: 7.5 working hours a day.
describe('deadline ladder', () => {
  it('across a weekend: 50 % / 75 % of the working time, apology one working day before, overdue at due', () => {
    // Thursday 09:00, two working days: due Monday 09:00 (15 h). 50 % = 7.5 h: Thursday gives 6 h, so
    // Friday 09:00; 75 % = 11.25 h: Friday 14:45; apology at the latest Friday 09:00.
    const R = f.received({ receivedAt: '2025-03-06T09:00:00+07:00', dueAt: '2025-03-10T09:00:00+07:00' });
    expect(ladderOf([R])).toEqual([
      ['due-soon-50', '2025-03-07T09:00:00.000+07:00', '2025-03-10T09:00:00.000+07:00'],
      ['apology-needed', '2025-03-07T09:00:00.000+07:00', '2025-03-10T09:00:00.000+07:00'],
      ['due-soon-75', '2025-03-07T14:45:00.000+07:00', '2025-03-10T09:00:00.000+07:00'],
      ['overdue', '2025-03-10T09:00:00.000+07:00', '2025-03-10T09:00:00.000+07:00'],
    ]);
  });

  it('across Tết 2025 (27–31 January off): the holiday counts for nothing', () => {
    // Friday 24 January 08:00, five working days: due Friday 7 February 08:00 (37.5 h). 50 % = 18.75 h:
    // 7 h on the 24th, 7.5 h on 3 February, then 4.25 h into 4 February = 13:45. 75 % = 28.125 h: 6.125 h
    // into 5 February = 15:37:30. Apology at the latest Thursday 6 February 08:00.
    const R = f.received({ receivedAt: '2025-01-24T08:00:00+07:00', dueAt: '2025-02-07T08:00:00+07:00' });
    expect(ladderOf([R])).toEqual([
      ['due-soon-50', '2025-02-04T13:45:00.000+07:00', '2025-02-07T08:00:00.000+07:00'],
      ['due-soon-75', '2025-02-05T15:37:30.000+07:00', '2025-02-07T08:00:00.000+07:00'],
      ['apology-needed', '2025-02-06T08:00:00.000+07:00', '2025-02-07T08:00:00.000+07:00'],
      ['overdue', '2025-02-07T08:00:00.000+07:00', '2025-02-07T08:00:00.000+07:00'],
    ]);
  });

  it('an apology due the working day before Tết falls before the holiday', () => {
    // Due Monday 3 February 10:00: the working day before is Friday 24 January.
    const R = f.received({ receivedAt: '2025-01-20T10:00:00+07:00', dueAt: '2025-02-03T10:00:00+07:00' });
    const apology = ladderOf([R]).find(([stage]) => stage === 'apology-needed');
    expect(apology?.[1]).toBe('2025-01-24T10:00:00.000+07:00');
  });

  it('stops while a first supplement request is open, and moves every rung after the round trip', () => {
    const R = f.received(); // Monday 3 March 08:00, due Monday 10 March 08:00
    const asked = f.supplementRequested('2025-03-04T08:00:00+07:00');
    expect(ladderOf([R, asked])).toEqual([]);
    // Two days with the citizen: due Wednesday 12 March 08:00. The office's 37.5 h: 7.5 h before the
    // request, then 11.25 h more for 50 % = Friday 7 March 13:45.
    const back = f.supplementReceived('2025-03-06T08:00:00+07:00');
    const rungs = ladderOf([R, asked, back]);
    expect(rungs[0]).toEqual([
      'due-soon-50',
      '2025-03-07T13:45:00.000+07:00',
      '2025-03-12T08:00:00.000+07:00',
    ]);
    expect(rungs.at(-1)).toEqual([
      'overdue',
      '2025-03-12T08:00:00.000+07:00',
      '2025-03-12T08:00:00.000+07:00',
    ]);
    expect(rungs.every(([, , due]) => due === '2025-03-12T08:00:00.000+07:00')).toBe(true);
  });

  it('leaves out rungs already recorded, and all but the overdue once an apology was issued', () => {
    const R = f.received();
    const stages = (events: DossierEvent[]) => ladderOf(events).map(([s]) => s);
    expect(stages([R, f.dueSoon('2025-03-05T12:00:00+07:00', 'due-soon-50')])).toEqual([
      'due-soon-75',
      'apology-needed',
      'overdue',
    ]);
    expect(stages([R, f.apologyIssued('2025-03-05T09:00:00+07:00')])).toEqual(['overdue']);
    expect(stages([R, f.becameOverdue()])).toEqual([]);
  });

  it('nothing once finished in time; an unrecorded overdue of a dossier finished late stays planned', () => {
    const R = f.received();
    expect(ladderOf([R, f.processed('2025-03-07T09:00:00+07:00')])).toEqual([]);
    expect(ladderOf([R, f.processed('2025-03-11T09:00:00+07:00')])).toEqual([
      ['overdue', '2025-03-10T08:00:00.000+07:00', '2025-03-10T08:00:00.000+07:00'],
    ]);
    expect(ladderOf([R, f.becameOverdue(), f.processed('2025-03-11T09:00:00+07:00')])).toEqual([]);
  });

  it('is configurable per procedure', () => {
    const policy = {
      ...DEFAULT_DEADLINE_POLICY,
      procedures: { [f.PROCEDURE_CODE]: { dueSoon: { 'due-soon-50': null, 'due-soon-75': 0.9 } } },
    };
    const ladder = ladderFor(policy, f.PROCEDURE_CODE);
    const stages = deadlineLadder(fold([f.received()]), f.calendar, ladder).map((r) => r.stage);
    expect(stages).toEqual(['apology-needed', 'due-soon-75', 'overdue']);
    expect(ladderFor(policy, 'other')).toBe(DEFAULT_DEADLINE_POLICY.default);
  });

  it('plans one rung at a time (the next one) and the overdue rung beside it', () => {
    const R = f.received(); // Monday 3 March 08:00, due Monday 10 March 08:00
    const plan = (events: DossierEvent[]) => {
      const { next, overdue } = deadlinePlan(fold(events), f.calendar);
      return { next: next && show([next])[0], overdue: overdue && show([overdue])[0] };
    };
    const OVERDUE = ['overdue', '2025-03-10T08:00:00.000+07:00', '2025-03-10T08:00:00.000+07:00'];
    expect(plan([R])).toEqual({ next: ladderOf([R])[0], overdue: OVERDUE });
    expect(plan([R]).next?.[0]).toBe('due-soon-50');
    // Once the 50 % is recorded, the next rung comes up.
    expect(plan([R, f.dueSoon('2025-03-05T13:45:00+07:00', 'due-soon-50')]).next?.[0]).toBe('due-soon-75');
    expect(plan([R, f.apologyIssued('2025-03-05T09:00:00+07:00')])).toEqual({
      next: OVERDUE,
      overdue: OVERDUE,
    });
    expect(plan([R, f.becameOverdue()])).toEqual({ next: null, overdue: null });
    expect(plan([R, f.processed('2025-03-07T09:00:00+07:00')])).toEqual({ next: null, overdue: null });
  });

  it('skips a due-soon rung the decider could not record: its instant fell before a later supplement round', () => {
    const R = f.received();
    // The round (Thursday 08:00 to Friday 08:00) moves the due to Tuesday 11 March 08:00. The 50 % of the
    // office's time falls on Wednesday, when the dossier still ran against the old due: nothing to record.
    const events = [
      R,
      f.supplementRequested('2025-03-06T08:00:00+07:00'),
      f.supplementReceived('2025-03-07T08:00:00+07:00'),
    ];
    const rungs = deadlineLadder(fold(events), f.calendar);
    expect(rungs[0].stage).toBe('due-soon-50');
    expect(rungs[0].atMs).toBeLessThan(instantMs('2025-03-06T08:00:00+07:00'));
    // What the decider answers to each rung fired at its instant (as the processor does).
    const flag = (r: DeadlineInstant) =>
      dossierDecider.decide(
        {
          type: 'FlagDueSoon',
          data: {
            now: instantFromMs(r.atMs),
            actor: f.system,
            stage: r.stage as 'due-soon-50',
            dueAt: instantFromMs(r.dueMs),
          },
        },
        fold(events),
      );
    expect(flag(rungs[0])).toEqual([]);
    const { next, overdue } = deadlinePlan(fold(events), f.calendar);
    expect(flag(next!)).toHaveLength(1);
    expect(next?.stage).toBe('due-soon-75');
    expect(next?.dueMs).toBe(instantMs('2025-03-11T08:00:00+07:00'));
    expect(overdue).toEqual({ stage: 'overdue', atMs: next?.dueMs, dueMs: next?.dueMs });
  });

  it('job ids are deterministic and free of ":"', () => {
    const due = instantMs('2025-03-10T08:00:00+07:00');
    expect(deadlineJobId('overdue', 'U01-1', due)).toBe(`overdue-U01-1-${due}`);
    expect(deadlineJobId('due-soon-50', 'a:b', due)).not.toContain(':');
  });
});
