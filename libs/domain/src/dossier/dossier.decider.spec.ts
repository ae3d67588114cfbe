import { DomainError, dossierDecider, isOnTimeAt, type Dossier, type DossierEvent } from '@tracker/domain';
import { DeciderSpecification } from '@tracker/testing';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';

const given = DeciderSpecification.for(dossierDecider);
const R = f.received();
const RFee = f.received({ feeAmount: 100_000 });
// Days of the test week: received Monday 03-03 08:00, due Monday 03-10 08:00.
const at = (day: string, time = '09:00') => `2025-03-${day}T${time}:00+07:00`;
const late = { now: at('20') }; // recorded long after it happened

const stateAfter = (events: DossierEvent[]) => given(events).state() as Dossier;

describe('dossier decider: receipt', () => {
  it('records a receipt with the due date computed from the procedure and the calendar', () => {
    given([])
      .when(f.receiveDossier())
      .then([f.received({ dueAt: '2025-03-10T08:00:00.000+07:00' })]);
  });

  it('keeps a due date given by an upstream system', () => {
    given([])
      .when(f.receiveDossier({ dueAt: '2025-03-12T17:00:00+07:00' }))
      .then([f.received({ dueAt: '2025-03-12T17:00:00+07:00' })]);
  });

  it('records an online dossier with its level', () => {
    given([])
      .when(f.receiveDossier({ channel: 'online', onlineLevel: 'full', dueAt: f.DUE_AT }))
      .then([f.received({ channel: 'online', onlineLevel: 'full' })]);
  });

  it('decides nothing for the same receipt again, and refuses a different one', () => {
    given([R]).when(f.receiveDossier()).thenNothingHappened();
    given([R])
      .when(f.receiveDossier({ dueAt: f.DUE_AT }))
      .thenNothingHappened();
    given([R])
      .when(f.receiveDossier({ unitId: f.OTHER_UNIT }))
      .thenThrows('DOSSIER_ALREADY_RECEIVED');
  });

  it('refuses online without a level, a level the procedure does not offer, a level off line', () => {
    given([])
      .when(f.receiveDossier({ channel: 'online' }))
      .thenThrows('ONLINE_LEVEL_REQUIRED');
    given([])
      .when(
        f.receiveDossier({
          channel: 'online',
          onlineLevel: 'full',
          procedure: f.procedureSnapshot({ onlineLevel: 'partial' }),
        }),
      )
      .thenThrows('ONLINE_LEVEL_NOT_OFFERED');
    given([])
      .when(f.receiveDossier({ onlineLevel: 'partial' }))
      .thenThrows('ONLINE_LEVEL_NOT_ALLOWED');
  });

  it('refuses a receipt in the future, a due date not after receipt, a negative fee, a mismatched receivedAt', () => {
    given([])
      .when(f.receiveDossier({ now: at('02') }))
      .thenThrows('OCCURRED_IN_FUTURE');
    given([])
      .when(f.receiveDossier({ dueAt: f.RECEIVED_AT }))
      .thenThrows('DUE_NOT_AFTER_RECEIPT');
    given([])
      .when(f.receiveDossier({ feeAmount: -1 }))
      .thenThrows('INVALID_AMOUNT');
    given([])
      .when(f.receiveDossier({ occurredAt: at('03', '09:00'), now: at('04') }))
      .thenThrows('RECEIVED_AT_MISMATCH');
  });

  it('refuses any step of a dossier that was never received (404)', () => {
    const error = given([])
      .when(f.recordProcessing(at('04')))
      .thenThrows('DOSSIER_NOT_FOUND');
    expect((error as DomainError).kind).toBe('not-found');
    given([])
      .when(f.flagOverdue(at('11')))
      .thenThrows('DOSSIER_NOT_FOUND');
  });
});

describe('dossier decider: a full life', () => {
  it('goes from receipt to a rated, paid, synced, returned result, on time', () => {
    let events: DossierEvent[] = [];
    const step = (command: Parameters<ReturnType<typeof given>['when']>[0], expected: DossierEvent[]) => {
      given(events).when(command).then(expected);
      events = [...events, ...expected];
    };
    step(f.receiveDossier({ feeAmount: 100_000, dueAt: f.DUE_AT }), [RFee]);
    step(f.recordInputDigitized(at('03', '08:10'), true), [f.inputDigitized(at('03', '08:10'), true)]);
    step(f.transfer(at('03', '10:00')), [f.transferred(at('03', '10:00'))]);
    step(f.requestSupplement(at('04')), [f.supplementRequested(at('04'))]);
    step(f.receiveSupplement(at('05')), [f.supplementReceived(at('05'))]);
    step(f.recordProcessing(at('07')), [f.processed(at('07'))]);
    step(f.recordElectronicResult(at('07', '10:00')), [f.resultIssuedElectronically(at('07', '10:00'))]);
    step(f.recordOnlinePayment(at('07', '11:00')), [f.paidOnline(at('07', '11:00'))]);
    step(f.returnResult(at('10', '07:45')), [f.resultReturned(at('10', '07:45'))]);
    step(f.recordSatisfaction(at('10', '08:00')), [f.satisfactionRated(at('10', '08:00'))]);
    step(f.recordSync(at('10', '08:05')), [f.synced(at('10', '08:05'))]);

    const s = stateAfter(events);
    expect(s).toMatchObject({
      status: 'returned',
      unitId: f.UNIT,
      currentUnitId: f.OTHER_UNIT,
      dueAt: f.DUE_AT,
      effectiveDueAt: '2025-03-11T08:00:00.000+07:00', // pushed back by the one-day supplement
      supplementRequests: 1,
      supplementMs: 24 * 3_600_000,
      openSupplement: null,
      finishedAt: at('07'),
      finishedBy: 'processed',
      outcome: 'approved',
      onTime: true,
      overdue: false,
      hasFee: true,
      paidOnline: true,
      inputDigitized: true,
      reusedData: true,
      resultIssuedElectronically: true,
      rating: { satisfied: true, occurredAt: at('10', '08:00') },
      synced: true,
    });
    expect(s.timeline.map((e) => e.event.type)).toEqual(events.map((e) => e.type));
  });

  it('stops a dossier while a supplement is open (the citizen never came back)', () => {
    const s = given([R, f.supplementRequested(at('04'))])
      .when(f.stopDossier(at('20')))
      .then([f.stopped(at('20'))]);
    expect(s).toMatchObject({ status: 'stopped', finishedAt: at('20'), onTime: false });
  });

  it('records a withdrawal', () => {
    const s = given([R])
      .when(f.withdrawDossier(at('04')))
      .then([f.withdrawn(at('04'))]);
    expect(s).toMatchObject({ status: 'withdrawn', finishedBy: 'withdrawn', onTime: true });
  });
});

describe('dossier decider: refusals', () => {
  const refuses = (
    events: DossierEvent[],
    command: Parameters<ReturnType<typeof given>['when']>[0],
    code: string,
    kind: string,
  ) => {
    const error = given(events).when(command).thenThrows(code) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe(kind);
  };

  it('a supplement request after processing', () =>
    void refuses([R, f.processed(at('05'))], f.requestSupplement(at('06')), 'STEP_OUT_OF_ORDER', 'conflict'));
  it('a result returned before processing', () =>
    void refuses([R], f.returnResult(at('05')), 'STEP_OUT_OF_ORDER', 'conflict'));
  it('an electronic result before processing', () =>
    void refuses([R], f.recordElectronicResult(at('05')), 'STEP_OUT_OF_ORDER', 'conflict'));
  it('anything after a withdrawal', () => {
    refuses([R, f.withdrawn(at('04'))], f.recordProcessing(at('05')), 'DOSSIER_FINISHED', 'conflict');
    refuses([R, f.withdrawn(at('04'))], f.transfer(at('05')), 'DOSSIER_FINISHED', 'conflict');
    refuses([R, f.withdrawn(at('04'))], f.stopDossier(at('05')), 'DOSSIER_FINISHED', 'conflict');
  });
  it('anything after a stop', () => {
    refuses([R, f.stopped(at('04'))], f.requestSupplement(at('05')), 'DOSSIER_FINISHED', 'conflict');
    refuses([R, f.stopped(at('04'))], f.returnResult(at('05')), 'DOSSIER_FINISHED', 'conflict');
    refuses([R, f.stopped(at('04'))], f.withdrawDossier(at('05')), 'DOSSIER_FINISHED', 'conflict');
  });
  it('processing twice with other facts', () =>
    void refuses(
      [R, f.processed(at('05'))],
      f.recordProcessing(at('06'), 'denied'),
      'STEP_ALREADY_RECORDED',
      'conflict',
    ));
  it('a second supplement request while one is open', () =>
    void refuses(
      [R, f.supplementRequested(at('04'))],
      f.requestSupplement(at('05'), 'khác'),
      'SUPPLEMENT_ALREADY_OPEN',
      'conflict',
    ));
  it('a supplement receipt with none open', () =>
    void refuses([R], f.receiveSupplement(at('05')), 'NO_OPEN_SUPPLEMENT', 'conflict'));
  it('processing while a supplement is open', () =>
    void refuses(
      [R, f.supplementRequested(at('04'))],
      f.recordProcessing(at('05')),
      'SUPPLEMENT_OPEN',
      'conflict',
    ));
  it('a transfer to the unit that has it', () => {
    refuses([R], f.transfer(at('04'), f.UNIT), 'TRANSFER_TO_SAME_UNIT', 'rule');
    refuses(
      [R, f.transferred(at('04'))],
      f.transfer(at('05'), f.OTHER_UNIT),
      'TRANSFER_TO_SAME_UNIT',
      'rule',
    );
  });
  it('a rating before the result', () => {
    refuses([R], f.recordSatisfaction(at('05')), 'RATING_BEFORE_RESULT', 'conflict');
    refuses([R, f.processed(at('05'))], f.recordSatisfaction(at('06')), 'RATING_BEFORE_RESULT', 'conflict');
  });
  it('a payment without a fee', () => {
    refuses([R], f.recordOnlinePayment(at('05')), 'PAYMENT_WITHOUT_FEE', 'rule');
    refuses([R], f.recordOfflinePayment(at('05')), 'PAYMENT_WITHOUT_FEE', 'rule');
  });
  it('a payment request or payment that is not above 0', () => {
    refuses([R], f.requestPayment(at('05'), 0), 'INVALID_AMOUNT', 'rule');
    refuses([RFee], f.recordOfflinePayment(at('05'), -5), 'INVALID_AMOUNT', 'rule');
  });
  it('a step before receipt, or after the recording instant', () => {
    refuses(
      [R],
      f.recordProcessing('2025-03-02T09:00:00+07:00', 'approved', late),
      'OCCURRED_BEFORE_RECEIPT',
      'rule',
    );
    refuses([R], f.recordProcessing(at('05'), 'approved', { now: at('04') }), 'OCCURRED_IN_FUTURE', 'rule');
  });
  it('an instant without an offset', () =>
    void refuses([R], f.recordProcessing('2025-03-05T09:00:00'), 'INVALID_INSTANT', 'rule'));
  it('a stop without a reason', () =>
    void refuses([R], f.stopDossier(at('05'), ' '), 'MISSING_FIELD', 'rule'));
  it('input digitized after processing', () =>
    void refuses(
      [R, f.processed(at('05'))],
      f.recordInputDigitized(at('06')),
      'STEP_OUT_OF_ORDER',
      'conflict',
    ));
});

describe('dossier decider: fees and payments', () => {
  it('accepts a payment when there was a fee at receipt', () => {
    given([RFee])
      .when(f.recordOfflinePayment(at('05')))
      .then([f.paidOffline(at('05'))]);
  });
  it('accepts a payment after a payment request, also after the dossier finished', () => {
    const s = given([R, f.processed(at('05')), f.paymentRequested(at('06'))])
      .when(f.recordOnlinePayment(at('07'), 100_000, 'provincial'))
      .then([f.paidOnline(at('07'), 100_000, 'provincial')]);
    expect(s).toMatchObject({ hasFee: true, paidOnline: true, paymentRequestedAmount: 100_000 });
  });
  it('refuses a payment dated before the request that gave the dossier its fee', () => {
    given([R, f.paymentRequested(at('06'))])
      .when(f.recordOfflinePayment(at('05'), 100_000, late))
      .thenThrows('PAYMENT_WITHOUT_FEE');
  });
});

describe('dossier decider: supplements', () => {
  it('a round trip stops the clock: the effective due date moves, the original stays', () => {
    const s = given([R, f.supplementRequested(at('04', '08:00'))])
      .when(f.receiveSupplement(at('06', '08:00')))
      .then([f.supplementReceived(at('06', '08:00'))]);
    expect(s).toMatchObject({
      status: 'received',
      dueAt: f.DUE_AT,
      effectiveDueAt: '2025-03-12T08:00:00.000+07:00',
      supplementMs: 2 * 86_400_000,
      supplements: [
        { requestedAt: at('04', '08:00'), reason: 'thiếu bản vẽ', receivedAt: at('06', '08:00') },
      ],
    });
    const done = given([R, f.supplementRequested(at('04', '08:00')), f.supplementReceived(at('06', '08:00'))])
      .when(f.recordProcessing(at('11')))
      .then([f.processed(at('11'))]);
    expect((done as Dossier).onTime).toBe(true); // a day past dueAt, within the two days the citizen held it
  });

  it('shows awaiting-supplement while a request is open', () => {
    expect(stateAfter([R, f.supplementRequested(at('04'))])).toMatchObject({
      status: 'awaiting-supplement',
      openSupplement: { requestedAt: at('04'), reason: 'thiếu bản vẽ', receivedAt: null },
      supplementRequests: 1,
    });
  });

  it('allows a second request after the first closed, and the dossier then counts as late', () => {
    const history = [R, f.supplementRequested(at('04')), f.supplementReceived(at('05'))];
    const s = given(history)
      .when(f.requestSupplement(at('06'), 'lần 2'))
      .then([f.supplementRequested(at('06'), 'lần 2')]);
    expect((s as Dossier).supplementRequests).toBe(2);
    const done = given([
      ...history,
      f.supplementRequested(at('06'), 'lần 2'),
      f.supplementReceived(at('06', '10:00')),
    ])
      .when(f.recordProcessing(at('06', '11:00')))
      .then([f.processed(at('06', '11:00'))]);
    expect((done as Dossier).onTime).toBe(false);
  });
});

describe('dossier decider: apology', () => {
  it('accepts an apology in time: rescheduledDueAt set, dueAt unchanged', () => {
    const s = given([R])
      .when(f.issueApology(at('06')))
      .then([f.apologyIssued(at('06'))]);
    expect(s).toMatchObject({
      dueAt: f.DUE_AT,
      rescheduledDueAt: '2025-03-14T08:00:00+07:00',
      effectiveDueAt: f.DUE_AT,
    });
  });
  it('accepts an apology at the very last instant (one working day before the due date)', () => {
    given([R])
      .when(f.issueApology(at('07', '08:00')))
      .then([f.apologyIssued(at('07', '08:00'))]);
  });
  it('refuses an apology one day too late', () => {
    const error = given([R])
      .when(f.issueApology(at('10', '07:00'), '2025-03-14T08:00:00+07:00'))
      .thenThrows('APOLOGY_TOO_LATE') as DomainError;
    expect(error.kind).toBe('rule');
    expect(error.details).toMatchObject({ latestApologyAt: '2025-03-07T08:00:00.000+07:00' });
  });
  it('refuses an apology by a clerk (403)', () => {
    const error = given([R])
      .when(f.issueApology(at('05'), undefined, { actor: f.clerk }))
      .thenThrows('APOLOGY_NOT_BY_SUPERVISOR') as DomainError;
    expect(error.kind).toBe('forbidden');
  });
  it('refuses a second apology, decides nothing for the same one again', () => {
    given([R, f.apologyIssued(at('05'))])
      .when(f.issueApology(at('06'), '2025-03-20T08:00:00+07:00'))
      .thenThrows('APOLOGY_ALREADY_ISSUED');
    given([R, f.apologyIssued(at('05'))])
      .when(f.issueApology(at('05')))
      .thenNothingHappened();
  });
  it('refuses a new due date that is not after the due date', () => {
    given([R])
      .when(f.issueApology(at('05'), f.DUE_AT))
      .thenThrows('NEW_DUE_NOT_AFTER_DUE');
  });
  it('refuses an apology for a processed dossier', () => {
    given([R, f.processed(at('05'))])
      .when(f.issueApology(at('06')))
      .thenThrows('STEP_OUT_OF_ORDER');
  });
  it('measures the deadline against the effective due date after a supplement round', () => {
    // Due pushed to Wednesday 03-12 08:00 → the last apology instant is Tuesday 03-11 08:00.
    given([R, f.supplementRequested(at('04', '08:00')), f.supplementReceived(at('06', '08:00'))])
      .when(f.issueApology(at('10', '10:00')))
      .then([f.apologyIssued(at('10', '10:00'))]);
  });
});

describe('dossier decider: late facts', () => {
  it('accepts processing recorded a week late, before the due instant: retracts the overdue', () => {
    const s = given([R, f.becameOverdue()])
      .when(f.recordProcessing(at('07'), 'approved', { now: at('17') }))
      .then([f.processed(at('07')), f.overdueRetracted(at('07'), 'finished-before-due')]);
    expect(s).toMatchObject({ overdue: false, onTime: true, status: 'processed' });
  });

  it('accepts processing recorded late, after the due instant: the overdue stands', () => {
    const s = given([R, f.becameOverdue()])
      .when(f.recordProcessing(at('11'), 'approved', { now: at('18') }))
      .then([f.processed(at('11'))]);
    expect(s).toMatchObject({ overdue: true, overdueAt: f.DUE_AT, onTime: false });
  });

  it('processing exactly at the due instant is on time: the overdue is retracted', () => {
    given([R, f.becameOverdue()])
      .when(f.recordProcessing(f.DUE_AT, 'approved', late))
      .then([f.processed(f.DUE_AT), f.overdueRetracted(f.DUE_AT)]);
  });

  it('a late closed supplement round moves the deadline past a recorded overdue', () => {
    const history = [R, f.supplementRequested(at('04', '08:00')), f.becameOverdue()];
    // The request itself was late news: at the due instant the clock was stopped.
    given([R, f.becameOverdue()])
      .when(f.requestSupplement(at('04', '08:00'), 'thiếu bản vẽ', late))
      .then([
        f.supplementRequested(at('04', '08:00')),
        f.overdueRetracted(at('04', '08:00'), 'deadline-suspended'),
      ]);
    // Recorded in order with an overdue already there (imported history): closing the round moves it.
    given(history)
      .when(f.receiveSupplement(at('05', '08:00'), late))
      .then([
        f.supplementReceived(at('05', '08:00')),
        f.overdueRetracted(at('05', '08:00'), 'deadline-moved'),
      ]);
  });

  it('a late step is checked where it happened: a transfer before a recorded processing', () => {
    given([R, f.processed(at('07'))])
      .when(f.transfer(at('04'), 'U03', late))
      .then([f.transferred(at('04'), 'U03')]);
  });

  it('takes the unit a late transfer left from the steps before it', () => {
    const s = given([R, f.transferred(at('06'), 'U03', f.UNIT)])
      .when(f.transfer(at('04'), f.OTHER_UNIT, late))
      .then([f.transferred(at('04'), f.OTHER_UNIT, f.UNIT)]);
    expect((s as Dossier).currentUnitId).toBe('U03'); // the later transfer still decides where it is
  });

  it('refuses a late step that would make a later recorded step illegal', () => {
    const error = given([R, f.processed(at('07'))])
      .when(f.stopDossier(at('05'), 'lý do', late))
      .thenThrows('STEP_OUT_OF_ORDER') as DomainError;
    expect(error.details).toMatchObject({
      conflictsWith: { type: 'DossierProcessed', occurredAt: at('07') },
      cause: 'DOSSIER_FINISHED',
    });
    // A supplement request dated inside the processed span would leave the processing with an open request.
    given([R, f.processed(at('07'))])
      .when(f.requestSupplement(at('05'), 'x', late))
      .thenThrows('STEP_OUT_OF_ORDER');
    // A transfer to U02 before one to U02 leaves the later one pointless.
    given([R, f.transferred(at('06'))])
      .when(f.transfer(at('04'), f.OTHER_UNIT, late))
      .thenThrows('STEP_OUT_OF_ORDER');
  });

  it('orders by instant, not by string: offsets may differ', () => {
    // 02:00Z on 03-05 is 09:00 +07:00, after the request at 08:00 +07:00.
    given([R, f.supplementRequested(at('05', '08:00'))])
      .when(f.receiveSupplement('2025-03-05T02:00:00Z'))
      .then([f.supplementReceived('2025-03-05T02:00:00Z')]);
  });
});

describe('dossier decider: FlagOverdue', () => {
  it('before the due instant: nothing', () =>
    void given([R])
      .when(f.flagOverdue(at('09')))
      .thenNothingHappened());
  it('at the due instant: an event dated at the due instant', () =>
    void given([R]).when(f.flagOverdue(f.DUE_AT)).then([f.becameOverdue()]));
  it('after the due instant: still dated at the due instant, not now', () => {
    const s = given([R])
      .when(f.flagOverdue(at('12')))
      .then([f.becameOverdue()]);
    expect(s).toMatchObject({ overdue: true, overdueAt: f.DUE_AT, status: 'received' });
  });
  it('after finishing: nothing', () =>
    void given([R, f.processed(at('07'))])
      .when(f.flagOverdue(at('12')))
      .thenNothingHappened());
  it('finished late, flagged later still: nothing (the score says late; no alarm is needed)', () =>
    void given([R, f.processed(at('11'))])
      .when(f.flagOverdue(at('12')))
      .thenNothingHappened());
  it('twice: nothing the second time', () =>
    void given([R, f.becameOverdue()])
      .when(f.flagOverdue(at('12')))
      .thenNothingHappened());
  it('with an open first supplement: nothing', () =>
    void given([R, f.supplementRequested(at('05'))])
      .when(f.flagOverdue(at('12')))
      .thenNothingHappened());
  it('with an open second supplement: the clock runs', () =>
    void given([
      R,
      f.supplementRequested(at('04', '08:00')),
      f.supplementReceived(at('05', '08:00')),
      f.supplementRequested(at('06')),
    ])
      .when(f.flagOverdue(at('12')))
      .then([f.becameOverdue('2025-03-11T08:00:00.000+07:00')]));
  it('after a closed supplement: at the pushed-back instant only', () => {
    const history = [R, f.supplementRequested(at('04', '08:00')), f.supplementReceived(at('06', '08:00'))];
    given(history)
      .when(f.flagOverdue(at('11')))
      .thenNothingHappened();
    given(history)
      .when(f.flagOverdue(at('13')))
      .then([f.becameOverdue('2025-03-12T08:00:00.000+07:00')]);
  });
  it('for a deadline that has moved since the job was scheduled: nothing', () =>
    void given([R, f.supplementRequested(at('04', '08:00')), f.supplementReceived(at('06', '08:00'))])
      .when(f.flagOverdue(at('13'), f.DUE_AT))
      .thenNothingHappened());
  it('after a retraction, the alarm can go off again for the moved deadline', () =>
    void given([
      R,
      f.becameOverdue(),
      f.supplementRequested(at('04', '08:00')),
      f.supplementReceived(at('05', '08:00')),
      f.overdueRetracted(at('05', '08:00'), 'deadline-moved'),
    ])
      .when(f.flagOverdue(at('12')))
      .then([f.becameOverdue('2025-03-11T08:00:00.000+07:00')]));
});

describe('dossier decider: FlagDueSoon', () => {
  it('records a stage once per due instant', () => {
    given([R])
      .when(f.flagDueSoon(at('06'), 'due-soon-50'))
      .then([f.dueSoon(at('06'), 'due-soon-50')]);
    given([R, f.dueSoon(at('06'), 'due-soon-50')])
      .when(f.flagDueSoon(at('06', '10:00'), 'due-soon-50'))
      .thenNothingHappened();
    given([R, f.dueSoon(at('06'), 'due-soon-50')])
      .when(f.flagDueSoon(at('07'), 'due-soon-75'))
      .then([f.dueSoon(at('07'), 'due-soon-75')]);
  });
  it('nothing once finished, overdue, with an open first supplement, or for a moved deadline', () => {
    given([R, f.processed(at('05'))])
      .when(f.flagDueSoon(at('06'), 'due-soon-50'))
      .thenNothingHappened();
    given([R])
      .when(f.flagDueSoon(at('11'), 'due-soon-75'))
      .thenNothingHappened();
    given([R, f.supplementRequested(at('05'))])
      .when(f.flagDueSoon(at('06'), 'due-soon-50'))
      .thenNothingHappened();
    given([R])
      .when(f.flagDueSoon(at('06'), 'due-soon-50', '2025-03-09T08:00:00+07:00'))
      .thenNothingHappened();
  });
  it('no apology-needed alert once an apology was issued', () =>
    void given([R, f.apologyIssued(at('05'))])
      .when(f.flagDueSoon(at('06'), 'apology-needed'))
      .thenNothingHappened());
});

describe('dossier decider: repeated commands decide nothing', () => {
  const life = [
    RFee,
    f.inputDigitized(at('03', '10:00')),
    f.transferred(at('03', '11:00')),
    f.supplementRequested(at('04')),
    f.supplementReceived(at('05')),
    f.apologyIssued(at('05', '10:00')),
    f.processed(at('06')),
    f.resultIssuedElectronically(at('06', '10:00')),
    f.paymentRequested(at('06', '11:00')),
    f.paidOnline(at('06', '12:00')),
    f.paidOffline(at('06', '13:00')),
    f.resultReturned(at('07')),
    f.satisfactionRated(at('07', '10:00')),
    f.synced(at('07', '11:00')),
  ];
  it.each([
    ['receipt', f.receiveDossier({ feeAmount: 100_000, dueAt: f.DUE_AT })],
    ['digitization', f.recordInputDigitized(at('03', '10:00'), false, late)],
    ['transfer', f.transfer(at('03', '11:00'), f.OTHER_UNIT, late)],
    ['supplement request', f.requestSupplement(at('04'), 'thiếu bản vẽ', late)],
    ['supplement receipt', f.receiveSupplement(at('05'), late)],
    ['apology', f.issueApology(at('05', '10:00'), undefined, late)],
    ['processing', f.recordProcessing(at('06'), 'approved', late)],
    ['electronic result', f.recordElectronicResult(at('06', '10:00'), late)],
    ['payment request', f.requestPayment(at('06', '11:00'), 100_000, late)],
    ['online payment', f.recordOnlinePayment(at('06', '12:00'), 100_000, 'national', late)],
    ['offline payment', f.recordOfflinePayment(at('06', '13:00'), 100_000, late)],
    ['result returned', f.returnResult(at('07'), late)],
    ['rating', f.recordSatisfaction(at('07', '10:00'), true, late)],
    ['sync', f.recordSync(at('07', '11:00'), late)],
  ])('%s', (_name, command) => void given(life).when(command).thenNothingHappened());

  it('the same step with other facts is a conflict', () => {
    given(life)
      .when(f.returnResult(at('08'), late))
      .thenThrows('STEP_ALREADY_RECORDED');
    given(life)
      .when(f.recordElectronicResult(at('08'), late))
      .thenThrows('STEP_ALREADY_RECORDED');
  });

  it('a repeated stop or withdrawal decides nothing', () => {
    given([R, f.stopped(at('05'))])
      .when(f.stopDossier(at('05')))
      .thenNothingHappened();
    given([R, f.withdrawn(at('05'))])
      .when(f.withdrawDossier(at('05')))
      .thenNothingHappened();
  });

  it('states a repeat by instant, whatever the offset', () =>
    void given([R, f.processed(at('06'))])
      .when(f.recordProcessing('2025-03-06T02:00:00Z', 'approved', late))
      .thenNothingHappened());
});

describe('dossier decider: post-finish facts', () => {
  it('records payment, e-result, rating, sync and a correction after the result', () => {
    const history = [RFee, f.processed(at('05')), f.resultReturned(at('06'))];
    given(history)
      .when(f.recordElectronicResult(at('07'), late))
      .then([f.resultIssuedElectronically(at('07'))]);
    given(history)
      .when(f.recordOfflinePayment(at('07'), 100_000, late))
      .then([f.paidOffline(at('07'))]);
    given(history)
      .when(f.recordSatisfaction(at('07'), false, late))
      .then([f.satisfactionRated(at('07'), false)]);
    given(history)
      .when(f.recordSync(at('07'), late))
      .then([f.synced(at('07'))]);
    const s = given(history)
      .when(f.recordCorrection(at('07'), late))
      .then([
        {
          type: 'CorrectionRecorded',
          data: {
            occurredAt: at('07'),
            field: 'feeAmount',
            value: 50_000,
            reason: 'nhập sai',
            approvedBy: 'head-1',
          },
        },
      ]);
    expect(s.status === 'none' ? null : s.feeAmount).toBe(100_000); // facts are never overwritten
  });
  it('keeps the latest rating by occurredAt', () => {
    const s = given([
      R,
      f.processed(at('05')),
      f.resultReturned(at('06')),
      f.satisfactionRated(at('08'), true),
    ])
      .when(f.recordSatisfaction(at('07'), false, late))
      .then([f.satisfactionRated(at('07'), false)]);
    expect((s as Dossier).rating).toEqual({ satisfied: true, occurredAt: at('08') });
  });
});

describe('isOnTimeAt (SCORING.md §On time)', () => {
  const facts = (over: Partial<Parameters<typeof isOnTimeAt>[0]> = {}) => ({
    dueAt: f.DUE_AT,
    finishedAt: null,
    supplements: [],
    ...over,
  });
  it('judges a finished dossier at finishedAt', () => {
    expect(isOnTimeAt(facts({ finishedAt: at('10', '08:00') }), at('31'))).toBe(true);
    expect(isOnTimeAt(facts({ finishedAt: at('10', '08:01') }), at('31'))).toBe(false);
  });
  it('judges a pending dossier at the period end', () => {
    expect(isOnTimeAt(facts(), at('09'))).toBe(true);
    expect(isOnTimeAt(facts(), at('11'))).toBe(false);
    expect(isOnTimeAt(facts({ finishedAt: at('12') }), at('09'))).toBe(true); // finished after end: pending then
  });
  it('judges a dossier with its first supplement open at end at the request instant', () => {
    expect(isOnTimeAt(facts({ supplements: [{ requestedAt: at('07'), receivedAt: null }] }), at('31'))).toBe(
      true,
    );
    expect(isOnTimeAt(facts({ supplements: [{ requestedAt: at('11'), receivedAt: null }] }), at('31'))).toBe(
      false,
    );
  });
  it('subtracts closed supplement intervals and counts more than one request as late', () => {
    const one = [{ requestedAt: at('04', '08:00'), receivedAt: at('06', '08:00') }];
    expect(isOnTimeAt(facts({ finishedAt: at('12', '08:00'), supplements: one }), at('31'))).toBe(true);
    expect(isOnTimeAt(facts({ finishedAt: at('12', '08:01'), supplements: one }), at('31'))).toBe(false);
    const two = [...one, { requestedAt: at('06', '09:00'), receivedAt: at('06', '10:00') }];
    expect(isOnTimeAt(facts({ finishedAt: at('07'), supplements: two }), at('31'))).toBe(false);
  });
  it('ignores the apology: a state with a rescheduled date is judged against dueAt', () => {
    const s = stateAfter([R, f.apologyIssued(at('05')), f.processed(at('12'))]);
    expect(s.onTime).toBe(false);
    expect(isOnTimeAt(s, at('31'))).toBe(false);
  });
});
