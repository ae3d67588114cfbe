import {
  feedbackFactsFromEvents,
  feedbackHandledIn,
  feedbackOnTimeAt,
  feedbackUnits,
  firstReceiptBy,
  instantMs,
  markedRepeatAt,
  ratedUnsatisfiedAt,
  type FeedbackEvent,
  type FeedbackFacts,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/feedback.fixtures';

const at = f.at;
const ms = (x: string) => instantMs(x);
const R = f.received();
const PUBLISH_BY = '2025-03-12T09:00:00.000+07:00';
const facts = (events: FeedbackEvent[]): FeedbackFacts => feedbackFactsFromEvents(events)!;
const onTime = (events: FeedbackEvent[], end: string, i = 0) =>
  feedbackOnTimeAt(facts(events).holdings[i], ms(end));

describe('feedback facts: on time at end (SCORING.md "Feedback")', () => {
  it('Given no answer, Then on time until the answer deadline, late after it', () => {
    expect(onTime([R], at('24', '09:00'))).toBe(true); // the deadline itself is not before end
    expect(onTime([R], at('24', '09:01'))).toBe(false);
  });

  it('Given an information request, Then waiting for the sender does not stop the clock', () => {
    expect(onTime([R, f.informationRequested(at('04'))], at('25'))).toBe(false);
  });

  it('Given the first information request after 5 working days, Then late once it is taken', () => {
    const E = [R, f.informationRequested(at('11'))];
    expect(onTime(E, at('10', '18:00'))).toBe(true);
    expect(onTime(E, at('11'))).toBe(false);
  });

  it('Given answered in time, Then the publication is owed 2 working days after', () => {
    const E = [R, f.answered(at('10'), PUBLISH_BY)];
    expect(onTime(E, at('12', '09:00'))).toBe(true);
    expect(onTime(E, at('12', '09:01'))).toBe(false);
    expect(onTime([...E, f.published(at('12', '08:00'))], at('31'))).toBe(true);
    expect(onTime([...E, f.published(at('13'))], at('31'))).toBe(false);
  });

  it('Given answered late, Then late', () => {
    const E = [R, f.answered(at('25'), '2025-03-27T09:00:00.000+07:00'), f.published(at('26'))];
    expect(onTime(E, at('31'))).toBe(false);
    expect(onTime(E, at('24', '09:00'))).toBe(true); // at the deadline nothing was late yet
  });

  it('Given rejected, returned or forwarded within 2 working days, Then on time, nothing else owed', () => {
    expect(onTime([R, f.rejected(at('05', '09:00'))], at('31'))).toBe(true);
    expect(onTime([R, f.returned(at('05', '09:01'))], at('31'))).toBe(false);
  });

  it('Given forwarded, Then one holding per unit: the first finishes at the forwarding, the second starts there', () => {
    const D = {
      rejectOrForwardBy: '2025-03-06T10:00:00.000+07:00',
      informationRequestBy: '2025-03-11T10:00:00.000+07:00',
      answerBy: '2025-03-25T10:00:00.000+07:00',
    };
    const E = [R, f.forwarded(at('04', '10:00'), D)];
    const x = facts(E);
    expect(feedbackUnits(x)).toEqual([f.UNIT, f.OTHER_UNIT]);
    expect(x.holdings[0]).toMatchObject({ finishedAt: ms(at('04', '10:00')), finishedBy: 'forwarded' });
    expect(x.holdings[1]).toMatchObject({
      receivedAt: ms(at('04', '10:00')),
      finishedAt: null,
      answerBy: ms(D.answerBy),
    });
    expect(firstReceiptBy(x, f.OTHER_UNIT)).toBe(ms(at('04', '10:00')));
    expect(firstReceiptBy(x, f.THIRD_UNIT)).toBeNull();
    expect(feedbackOnTimeAt(x.holdings[0], ms(at('31')))).toBe(true);
    expect(feedbackOnTimeAt(x.holdings[1], ms(at('25', '10:00')))).toBe(true);
    expect(feedbackOnTimeAt(x.holdings[1], ms(at('25', '10:01')))).toBe(false);
    expect(feedbackHandledIn(x.holdings[0], ms(at('05')), ms(at('31')))).toBe(false); // finished before start
    expect(feedbackHandledIn(x.holdings[1], ms(at('05')), ms(at('31')))).toBe(true);
  });
});

describe('feedback facts: ratings, repeats, the dossier named', () => {
  const A = f.answered(at('10'), PUBLISH_BY);

  it('the last rating up to asOf counts', () => {
    const x = facts([R, A, f.rated(at('12'), true), f.rated(at('20'), false)]);
    expect(ratedUnsatisfiedAt(x, ms(at('15')))).toBe(false);
    expect(ratedUnsatisfiedAt(x, ms(at('20')))).toBe(true);
    expect(ratedUnsatisfiedAt(x, ms(at('11')))).toBe(false);
  });

  it('a repeat counts from its marking', () => {
    const x = facts([R, f.markedRepeat(at('06'))]);
    expect(x.repeatOf).toBe('fb-0000');
    expect(markedRepeatAt(x, ms(at('05')))).toBe(false);
    expect(markedRepeatAt(x, ms(at('06')))).toBe(true);
  });

  it('names the dossier', () => {
    const x = facts([f.received({ about: 'dossier', procedureCode: undefined, dossierCode: 'D-1' })]);
    expect(x).toMatchObject({ dossierCode: 'D-1', about: 'dossier', receivedAt: ms(f.RECEIVED_AT) });
  });

  it('does not depend on the recording order', () => {
    const inOrder = [
      R,
      f.informationRequested(at('04')),
      A,
      f.rated(at('12'), false),
      f.rated(at('12'), true),
    ];
    const recorded = [
      R,
      A,
      f.rated(at('12'), true),
      f.informationRequested(at('04')),
      f.rated(at('12'), false),
    ];
    expect(facts(recorded)).toEqual(facts(inOrder));
    expect(feedbackFactsFromEvents([])).toBeNull();
  });
});
