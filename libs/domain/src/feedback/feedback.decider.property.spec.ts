// Random command sequences, with occurredAt often before what is already recorded (late facts), through
// decide/evolve. Whatever the decider records must be a stream it could have produced itself.
import fc from 'fast-check';
import {
  DomainError,
  feedbackDecider,
  feedbackFactsFromEvents,
  feedbackOverdueInvalidity,
  instantFromMs,
  isFeedbackSystemEvent,
  replayFeedback,
  type Feedback,
  type FeedbackCommand,
  type FeedbackEvent,
  type FeedbackState,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/feedback.fixtures';
import { replayedFeedbackState } from './feedback.decider';

const { decide, evolve, initialState } = feedbackDecider;
const HOUR = 3_600_000;
const T0 = Date.parse(f.RECEIVED_AT);
const iso = (ms: number) => instantFromMs(ms);

const KINDS = [
  'reject',
  'return',
  'forward',
  'request-information',
  'receive-information',
  'answer',
  'publish',
  'rate',
  'repeat',
  'flag-overdue',
  'flag-due-soon',
] as const;

const stepArb = fc.record({
  kind: fc.oneof(
    ...KINDS.map((k) => ({
      arbitrary: fc.constant(k),
      weight: k === 'reject' || k === 'return' ? 1 : /answer|publish|overdue|information/.test(k) ? 5 : 3,
    })),
  ),
  hours: fc.integer({ min: 0, max: 120 }),
  late: fc.boolean(),
  pick: fc.integer({ min: 0, max: 2 }),
  flag: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;
const UNITS = [f.UNIT, f.OTHER_UNIT, f.THIRD_UNIT];

function commandOf(step: Step, clock: number): { command: FeedbackCommand; now: number } {
  const occurred = step.late ? Math.max(T0, clock - step.hours * 2 * HOUR) : clock + step.hours * HOUR;
  const now = Math.max(clock, occurred);
  const at = iso(occurred);
  const n = iso(now);
  switch (step.kind) {
    case 'reject':
      return { command: f.reject(at, n), now };
    case 'return':
      return { command: f.returnIt(at, n), now };
    case 'forward':
      return { command: f.forward(at, UNITS[step.pick], n), now };
    case 'request-information':
      return { command: f.requestInformation(at, n), now };
    case 'receive-information':
      return { command: f.receiveInformation(at, n), now };
    case 'answer':
      return { command: f.answer(at, n), now };
    case 'publish':
      return { command: f.publish(at, n), now };
    case 'rate':
      return { command: f.rate(at, step.flag, n), now };
    case 'repeat':
      return { command: f.markRepeat(at, `fb-${step.pick}`, n), now };
    case 'flag-overdue': {
      const t = clock + step.hours * 3 * HOUR;
      return { command: f.flagOverdue(iso(t)), now: t };
    }
    case 'flag-due-soon': {
      const t = clock + step.hours * HOUR;
      return { command: f.flagDueSoon(iso(t), step.flag ? 'due-soon-50' : 'due-soon-75'), now: t };
    }
  }
}

function run(steps: Step[]): { events: FeedbackEvent[]; state: FeedbackState } {
  let state = initialState();
  const events: FeedbackEvent[] = [];
  const add = (batch: FeedbackEvent[]) => {
    events.push(...batch);
    state = batch.reduce(evolve, state);
  };
  add(decide(f.receiveFeedback(), state));
  let clock = T0;
  for (const step of steps) {
    const { command, now } = commandOf(step, clock);
    try {
      add(decide(command, state));
      clock = now;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { events, state };
}

describe('feedback decider: properties', () => {
  it('what it records replays without a broken rule, whatever the order of recording', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const { state } = run(steps);
        expect(replayFeedback((state as Feedback).timeline).violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('evolve without a replay gives the state a replay of the whole timeline gives, from JSON too', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        let state = initialState();
        for (const event of run(steps).events) {
          // Read models keep the state as JSON and evolve it from there.
          state = evolve(JSON.parse(JSON.stringify(state)) as FeedbackState, event);
          expect(state).toEqual(replayedFeedbackState(state as Feedback));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('no overdue stands that the facts contradict, and each is recorded once', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const s = run(steps).state as Feedback;
        for (const o of s.overdues) {
          if (!o.retracted) expect(feedbackOverdueInvalidity(s, o)).toBeNull();
        }
        const keys = s.overdues.map((o) => `${o.unitId}|${o.deadline}|${Date.parse(o.dueAt)}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });

  it('the facts are those of the same events in occurredAt order', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const { events } = run(steps);
        const facts = events.filter((e) => !isFeedbackSystemEvent(e));
        const sorted = facts
          .map((e, i) => ({ e, i }))
          .sort((a, b) => Date.parse(a.e.data.occurredAt) - Date.parse(b.e.data.occurredAt) || a.i - b.i)
          .map((x) => x.e);
        expect(feedbackFactsFromEvents(sorted)).toEqual(feedbackFactsFromEvents(events));
      }),
      { numRuns: 300 },
    );
  });

  it('a unit holds the item until it finishes for it; only the last holding may be open', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const s = run(steps).state as Feedback;
        s.holdings.slice(0, -1).forEach((h) => expect(h.endedBy).toBe('forwarded'));
        expect(s.currentUnitId).toBe(s.holdings[s.holdings.length - 1].unitId);
        for (let i = 1; i < s.holdings.length; i++)
          expect(s.holdings[i].unitId).not.toBe(s.holdings[i - 1].unitId);
      }),
      { numRuns: 300 },
    );
  });
});
