import { DomainError, feedbackDecider, type Feedback, type FeedbackEvent } from '@tracker/domain';
import { DeciderSpecification } from '@tracker/testing';
import * as f from '@tracker/testing/fixtures/feedback.fixtures';

const given = DeciderSpecification.for(feedbackDecider);
const R = f.received();
const at = f.at;
const late = { now: at('28') }; // recorded long after it happened
const PUBLISH_BY = '2025-03-12T09:00:00.000+07:00'; // answered Mon 03-10 09:00 + 2 working days
const FORWARD_DEADLINES = {
  // forwarded Tue 03-04 10:00: + 2, 5, 15 working days
  rejectOrForwardBy: '2025-03-06T10:00:00.000+07:00',
  informationRequestBy: '2025-03-11T10:00:00.000+07:00',
  answerBy: '2025-03-25T10:00:00.000+07:00',
};
const stateAfter = (events: FeedbackEvent[]) => given(events).state() as Feedback;

describe('feedback decider: receipt', () => {
  it('Given nothing, When received, Then the deadlines are 2, 5 and 15 working days from receipt', () => {
    given([]).when(f.receiveFeedback()).then([R]);
  });

  it('Given received on the Thursday before Tết 2025, When the deadlines are computed, Then they skip the nine days off', () => {
    const receivedAt = '2025-01-23T10:00:00+07:00';
    given([])
      .when(f.receiveFeedback({ receivedAt, occurredAt: receivedAt, now: receivedAt }))
      .then([
        f.received({
          receivedAt,
          occurredAt: receivedAt,
          deadlines: {
            rejectOrForwardBy: '2025-02-03T10:00:00.000+07:00', // Fri 24/1, then Mon 3/2
            informationRequestBy: '2025-02-06T10:00:00.000+07:00',
            answerBy: '2025-02-20T10:00:00.000+07:00',
          },
        }),
      ]);
  });

  it('Given received the Friday before the swapped Saturday 26/4/2025, When the deadlines are computed, Then that Saturday counts', () => {
    const receivedAt = '2025-04-25T10:00:00+07:00';
    const state = given([])
      .when(f.receiveFeedback({ receivedAt, occurredAt: receivedAt, now: receivedAt }))
      .then(
        f.received({
          receivedAt,
          occurredAt: receivedAt,
          deadlines: {
            rejectOrForwardBy: '2025-04-28T10:00:00.000+07:00', // Sat 26/4, Mon 28/4
            informationRequestBy: '2025-05-06T10:00:00.000+07:00', // 30/4–2/5 off: 26, 28, 29, 5/5, 6/5
            answerBy: '2025-05-20T10:00:00.000+07:00',
          },
        }),
      ) as Feedback;
    expect(state.status).toBe('received');
  });

  it('Given received, When the same receipt again, Then nothing; a different one is refused (409)', () => {
    given([R]).when(f.receiveFeedback()).thenNothingHappened();
    const error = given([R])
      .when(f.receiveFeedback({ unitId: f.OTHER_UNIT }))
      .thenThrows('FEEDBACK_ALREADY_RECEIVED');
    expect((error as DomainError).kind).toBe('conflict');
  });

  it('refuses an item about a dossier without its code, a bad channel, no summary, a future or mismatched receipt', () => {
    given([])
      .when(f.receiveFeedback({ about: 'dossier' }))
      .thenThrows('MISSING_FIELD');
    given([])
      .when(f.receiveFeedback({ about: 'procedure', procedureCode: undefined }))
      .thenThrows('MISSING_FIELD');
    given([])
      .when(f.receiveFeedback({ channel: 'fax' as never }))
      .thenThrows('MISSING_FIELD');
    given([])
      .when(f.receiveFeedback({ summary: ' ' }))
      .thenThrows('MISSING_FIELD');
    given([])
      .when(f.receiveFeedback({ now: at('02') }))
      .thenThrows('OCCURRED_IN_FUTURE');
    given([])
      .when(f.receiveFeedback({ occurredAt: at('03', '10:00'), now: at('04') }))
      .thenThrows('RECEIVED_AT_MISMATCH');
  });

  it('records an item about a dossier, naming it', () => {
    given([])
      .when(f.receiveFeedback({ about: 'dossier', procedureCode: undefined, dossierCode: 'U01-250301-0001' }))
      .then([f.received({ about: 'dossier', procedureCode: undefined, dossierCode: 'U01-250301-0001' })]);
  });

  it('refuses any step of an item never received (404)', () => {
    const error = given([])
      .when(f.answer(at('04')))
      .thenThrows('FEEDBACK_NOT_FOUND');
    expect((error as DomainError).kind).toBe('not-found');
  });
});

describe('feedback decider: every step', () => {
  it('Given received, When rejected, Then it finishes for the unit', () => {
    const s = given([R])
      .when(f.reject(at('04')))
      .then(f.rejected(at('04'))) as Feedback;
    expect(s.status).toBe('rejected');
    expect(s.finishedAt).toBe(at('04'));
    expect(s.owed).toBeNull();
  });

  it('Given received, When returned, Then it finishes for the unit', () => {
    const s = given([R])
      .when(f.returnIt(at('04')))
      .then(f.returned(at('04'))) as Feedback;
    expect(s.status).toBe('returned');
  });

  it('Given received, When forwarded, Then the receiving unit holds it with deadlines from the forwarding', () => {
    const s = given([R])
      .when(f.forward(at('04', '10:00')))
      .then(f.forwarded(at('04', '10:00'), FORWARD_DEADLINES)) as Feedback;
    expect(s.currentUnitId).toBe(f.OTHER_UNIT);
    expect(s.unitId).toBe(f.UNIT);
    expect(s.status).toBe('received');
    expect(s.deadlines).toEqual(FORWARD_DEADLINES);
    expect(s.holdings.map((h) => [h.unitId, h.endedBy])).toEqual([
      [f.UNIT, 'forwarded'],
      [f.OTHER_UNIT, null],
    ]);
    expect(s.owed).toMatchObject({
      unitId: f.OTHER_UNIT,
      deadline: 'answer',
      dueAt: FORWARD_DEADLINES.answerBy,
    });
  });

  it('Given forwarded, When the receiving unit answers and publishes, Then it finishes for that unit', () => {
    const F = f.forwarded(at('04', '10:00'), FORWARD_DEADLINES);
    given([R, F])
      .when(f.answer(at('10')))
      .then(f.answered(at('10'), PUBLISH_BY, f.OTHER_UNIT));
    const s = given([R, F, f.answered(at('10'), PUBLISH_BY, f.OTHER_UNIT)])
      .when(f.publish(at('11')))
      .then(f.published(at('11'))) as Feedback;
    expect(s.status).toBe('published');
  });

  it('Given received, When information requested then received, Then it waits and resumes', () => {
    const s1 = given([R])
      .when(f.requestInformation(at('04')))
      .then(f.informationRequested(at('04'))) as Feedback;
    expect(s1.status).toBe('awaiting-information');
    const s2 = given([R, f.informationRequested(at('04'))])
      .when(f.receiveInformation(at('06')))
      .then(f.informationReceived(at('06'))) as Feedback;
    expect(s2.status).toBe('received');
    expect(s2.holdings[0].firstInformationRequestAt).toBe(at('04'));
  });

  it('Given received, When answered, Then the publication is due 2 working days later', () => {
    const s = given([R])
      .when(f.answer(at('10')))
      .then(f.answered(at('10'), PUBLISH_BY)) as Feedback;
    expect(s.status).toBe('answered');
    expect(s.owed).toMatchObject({ deadline: 'publish', dueAt: PUBLISH_BY });
  });

  it('Given answered on the Tuesday before 30/4–2/5, When the publication deadline is computed, Then it skips the holidays', () => {
    const receivedAt = '2025-04-21T09:00:00+07:00';
    const s = given([])
      .when(f.receiveFeedback({ receivedAt, occurredAt: receivedAt, now: receivedAt }))
      .then(
        f.received({
          receivedAt,
          occurredAt: receivedAt,
          deadlines: {
            rejectOrForwardBy: '2025-04-23T09:00:00.000+07:00',
            informationRequestBy: '2025-04-26T09:00:00.000+07:00', // the swapped Saturday is the 5th
            answerBy: '2025-05-14T09:00:00.000+07:00', // 26/4 in, 30/4–2/5 out
          },
        }),
      ) as Feedback;
    const answeredAt = '2025-04-29T10:00:00+07:00';
    const event = feedbackDecider.decide(f.answer(answeredAt), s)[0];
    expect(event).toMatchObject({
      type: 'FeedbackAnswered',
      data: { publishBy: '2025-05-06T10:00:00.000+07:00' },
    });
  });

  it('Given answered, When published, Then it finishes', () => {
    const s = given([R, f.answered(at('10'), PUBLISH_BY)])
      .when(f.publish(at('11')))
      .then(f.published(at('11'))) as Feedback;
    expect(s.status).toBe('published');
    expect(s.finishedAt).toBe(at('11'));
  });

  it('Given answered, When rated, Then the latest rating counts', () => {
    const A = f.answered(at('10'), PUBLISH_BY);
    given([R, A])
      .when(f.rate(at('12'), false))
      .then(f.rated(at('12'), false));
    const s = stateAfter([R, A, f.rated(at('12'), false), f.rated(at('13'), true)]);
    expect(s.ratings.map((r) => r.satisfied)).toEqual([false, true]);
  });

  it('Given rejected, When rated, Then the rating is recorded (the refusal is handling)', () => {
    given([R, f.rejected(at('04'))])
      .when(f.rate(at('05'), false))
      .then(f.rated(at('05'), false));
  });

  it('Given received, When marked as a repeat, Then it is one', () => {
    const s = given([R])
      .when(f.markRepeat(at('04')))
      .then(f.markedRepeat(at('04'))) as Feedback;
    expect(s.repeat).toEqual({ of: 'fb-0000', occurredAt: at('04') });
  });

  it('repeats decide nothing', () => {
    given([R, f.rejected(at('04'))])
      .when(f.reject(at('04')))
      .thenNothingHappened();
    given([R, f.answered(at('10'), PUBLISH_BY)])
      .when(f.answer(at('10')))
      .thenNothingHappened();
    given([R, f.forwarded(at('04', '10:00'), FORWARD_DEADLINES)])
      .when(f.forward(at('04', '10:00')))
      .thenNothingHappened();
    given([R, f.markedRepeat(at('04'))])
      .when(f.markRepeat(at('04')))
      .thenNothingHappened();
  });
});

describe('feedback decider: every refusal', () => {
  const A = f.answered(at('10'), PUBLISH_BY);
  const P = f.published(at('11'));

  it('refuses rejecting, returning or forwarding an answered item (409)', () => {
    given([R, A])
      .when(f.reject(at('11')))
      .thenThrows('ALREADY_ANSWERED');
    given([R, A])
      .when(f.returnIt(at('11')))
      .thenThrows('ALREADY_ANSWERED');
    given([R, A])
      .when(f.forward(at('11')))
      .thenThrows('ALREADY_ANSWERED');
  });

  it('refuses every handling step once it finished for the unit (409)', () => {
    const X = f.rejected(at('04'));
    for (const c of [f.reject(at('05')), f.returnIt(at('05')), f.forward(at('05')), f.answer(at('05'))]) {
      given([R, X]).when(c).thenThrows('FEEDBACK_FINISHED');
    }
    given([R, X])
      .when(f.requestInformation(at('05')))
      .thenThrows('FEEDBACK_FINISHED');
    given([R, A, P])
      .when(f.requestInformation(at('12')))
      .thenThrows('FEEDBACK_FINISHED');
    given([R, f.returned(at('04'))])
      .when(f.publish(at('05')))
      .thenThrows('FEEDBACK_FINISHED');
  });

  it('refuses forwarding to the unit holding it (422)', () => {
    const error = given([R])
      .when(f.forward(at('04'), f.UNIT))
      .thenThrows('FORWARD_TO_SAME_UNIT');
    expect((error as DomainError).kind).toBe('rule');
  });

  it('refuses a second open request for information, and information nobody asked for (409)', () => {
    given([R, f.informationRequested(at('04'))])
      .when(f.requestInformation(at('05')))
      .thenThrows('INFORMATION_REQUEST_OPEN');
    given([R])
      .when(f.receiveInformation(at('05')))
      .thenThrows('NO_OPEN_INFORMATION_REQUEST');
  });

  it('refuses a request for information after the answer, a second different answer, a publication without answer', () => {
    given([R, A])
      .when(f.requestInformation(at('11')))
      .thenThrows('ALREADY_ANSWERED');
    given([R, A])
      .when(f.answer(at('11')))
      .thenThrows('ALREADY_ANSWERED');
    given([R])
      .when(f.publish(at('11')))
      .thenThrows('ANSWER_NOT_RECORDED');
    given([R, A, P])
      .when(f.publish(at('12')))
      .thenThrows('STEP_ALREADY_RECORDED');
  });

  it('refuses a rating before any answer or refusal, a repeat of itself, a second different repeat', () => {
    given([R])
      .when(f.rate(at('04'), true))
      .thenThrows('RATING_BEFORE_ANSWER');
    given([R])
      .when(f.markRepeat(at('04'), f.ID))
      .thenThrows('REPEAT_OF_ITSELF');
    given([R, f.markedRepeat(at('04'))])
      .when(f.markRepeat(at('05'), 'fb-0099'))
      .thenThrows('STEP_ALREADY_RECORDED');
  });

  it('refuses a step before receipt or in the future (422)', () => {
    given([R]).when(f.answer('2025-03-02T09:00:00+07:00')).thenThrows('OCCURRED_BEFORE_RECEIPT');
    given([R])
      .when(f.answer(at('10'), at('09')))
      .thenThrows('OCCURRED_IN_FUTURE');
  });
});

describe('feedback decider: late facts', () => {
  it('Given answered, When an information request is recorded late before the answer, Then it fits', () => {
    const A = f.answered(at('10'), PUBLISH_BY);
    const s = given([R, A])
      .when(f.requestInformation(at('05'), late.now))
      .then(f.informationRequested(at('05'))) as Feedback;
    expect(s.holdings[0].firstInformationRequestAt).toBe(at('05'));
    expect(s.status).toBe('answered');
  });

  it('Given answered, When a rejection is recorded late before the answer, Then it does not fit (409 naming the answer)', () => {
    const error = given([R, f.answered(at('10'), PUBLISH_BY)])
      .when(f.reject(at('04'), late.now))
      .thenThrows('STEP_OUT_OF_ORDER');
    expect((error as DomainError).details).toMatchObject({ conflictsWith: { type: 'FeedbackAnswered' } });
  });

  it('Given forwarded, When the forwarding unit answers later dated before the forwarding, Then it is that unit’s answer', () => {
    const F = f.forwarded(at('06'), {
      rejectOrForwardBy: '2025-03-10T09:00:00.000+07:00',
      informationRequestBy: '2025-03-13T09:00:00.000+07:00',
      answerBy: '2025-03-27T09:00:00.000+07:00',
    });
    // An answer before the forwarding makes the forwarding illegal: refused.
    given([R, F])
      .when(f.answer(at('05'), late.now))
      .thenThrows('STEP_OUT_OF_ORDER');
    // An information request before it belongs to the first unit.
    const s = given([R, F])
      .when(f.requestInformation(at('04'), late.now))
      .then(f.informationRequested(at('04'))) as Feedback;
    expect(s.holdings[0].firstInformationRequestAt).toBe(at('04'));
    expect(s.holdings[1].firstInformationRequestAt).toBeNull();
  });
});

describe('feedback decider: deadlines, overdue and retraction', () => {
  it('Given received, When the answer deadline passes, Then overdue is recorded once', () => {
    const O = f.becameOverdue(f.DEADLINES.answerBy);
    const s = given([R])
      .when(f.flagOverdue(at('24', '09:30')))
      .then(O) as Feedback;
    expect(s.overdue).toBe(true);
    given([R, O])
      .when(f.flagOverdue(at('25')))
      .thenNothingHappened();
    given([R])
      .when(f.flagOverdue(at('21')))
      .thenNothingHappened(); // not yet
  });

  it('Given answered in time, When the publication deadline passes, Then the publication is overdue', () => {
    given([R, f.answered(at('10'), PUBLISH_BY)])
      .when(f.flagOverdue(at('13')))
      .then(f.becameOverdue(PUBLISH_BY, 'publish'));
  });

  it('Given rejected, When the job runs, Then nothing is owed', () => {
    given([R, f.rejected(at('04'))])
      .when(f.flagOverdue(at('25')))
      .thenNothingHappened();
  });

  it('Given overdue recorded, When an answer before the deadline is recorded late, Then the overdue is retracted', () => {
    const O = f.becameOverdue(f.DEADLINES.answerBy);
    const s = given([R, O])
      .when(f.answer(at('20'), late.now))
      .then([
        f.answered(at('20'), '2025-03-24T09:00:00.000+07:00'),
        {
          type: 'FeedbackOverdueRetracted',
          data: {
            occurredAt: at('20'),
            unitId: f.UNIT,
            deadline: 'answer',
            dueAt: f.DEADLINES.answerBy,
            why: 'step-taken-in-time',
          },
        },
      ]) as Feedback;
    expect(s.overdue).toBe(false);
  });

  it('Given overdue recorded, When a forwarding before the deadline is recorded late, Then it is retracted as finished in time', () => {
    const O = f.becameOverdue(f.DEADLINES.answerBy);
    const events = feedbackDecider.decide(f.forward(at('04'), f.OTHER_UNIT, late.now), stateAfter([R, O]));
    expect(events.map((e) => e.type)).toEqual(['FeedbackForwarded', 'FeedbackOverdueRetracted']);
    expect(events[1].data).toMatchObject({ why: 'finished-in-time' });
  });

  it('Given overdue recorded, When an answer after the deadline is recorded, Then the overdue stands', () => {
    const O = f.becameOverdue(f.DEADLINES.answerBy);
    given([R, O])
      .when(f.answer(at('25'), late.now))
      .then([f.answered(at('25'), '2025-03-27T09:00:00.000+07:00')]);
  });

  it('Given a late-running job, When it asks for the deadline it was planned for, Then the overdue is judged at that deadline', () => {
    // Answered after the deadline, before the job ran: the answer's overdue is still recorded.
    given([R, f.answered(at('25'), '2025-03-27T09:00:00.000+07:00')])
      .when(f.flagOverdue(at('26'), f.DEADLINES.answerBy))
      .then(f.becameOverdue(f.DEADLINES.answerBy));
  });

  it('Given received, When due soon, Then recorded once per stage and deadline', () => {
    const D = {
      type: 'FeedbackDueSoon' as const,
      data: {
        occurredAt: at('13'),
        stage: 'due-soon-50' as const,
        unitId: f.UNIT,
        deadline: 'answer' as const,
        dueAt: f.DEADLINES.answerBy,
      },
    };
    given([R])
      .when(f.flagDueSoon(at('13')))
      .then(D);
    given([R, D])
      .when(f.flagDueSoon(at('14')))
      .thenNothingHappened();
    given([R])
      .when(f.flagDueSoon(at('25')))
      .thenNothingHappened(); // past due: overdue's business
  });
});
