import { END, START } from '@eventstore/db-client';
import { useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { expectContiguous, recordSubscription, SubscriptionRecorder, testEvents } from './contract-helpers';

/**
 * Catch-up subscriptions to a stream (esdb.md §4.1, §4.10): `fromRevision` exclusive, confirmation first, one
 * caught_up, then live events with no gap and no duplicate, even while appends race the catch-up→live switch.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();
const recorders: SubscriptionRecorder[] = [];

afterEach(async () => {
  await Promise.allSettled(recorders.splice(0).map((r) => r.stop()));
});

function subscribe(stream: string, fromRevision: bigint | typeof START | typeof END): SubscriptionRecorder {
  const recorder = recordSubscription(store().client.subscribeToStream(stream, { fromRevision }));
  recorders.push(recorder);
  return recorder;
}

const revisions = (r: SubscriptionRecorder) => r.events().map((e) => Number(e.event!.revision));

describe('subscribeToStream', () => {
  it('from a revision is exclusive: from 2 over revisions 0–3 delivers 3 before caughtUp, then live events', async () => {
    const stream = store().streamName('sub');
    await store().client.appendToStream(stream, testEvents(4));
    const sub = subscribe(stream, 2n);
    await sub.waitFor('caughtUp');
    expect(sub.eventsBeforeCaughtUp().map((e) => Number(e.event!.revision))).toEqual([3]);
    await store().client.appendToStream(stream, testEvents(2));
    await sub.waitForEvents((e) => e.length >= 3, 'the live events');
    expect(revisions(sub)).toEqual([3, 4, 5]);
  });

  it('from START delivers the whole stream, confirmation first, exactly one caughtUp, then live', async () => {
    const stream = store().streamName('sub');
    await store().client.appendToStream(stream, testEvents(5));
    const sub = subscribe(stream, START);
    await sub.waitFor('caughtUp');
    expect(sub.log[0]).toEqual({ kind: 'confirmation' });
    expect(sub.count('confirmation')).toBe(1);
    expect(sub.eventsBeforeCaughtUp().map((e) => Number(e.event!.revision))).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < 3; i += 1) await store().client.appendToStream(stream, testEvents(1));
    await sub.waitForEvents((e) => e.length >= 8, 'the live events');
    expectContiguous(revisions(sub), 0, 7);
    expect(sub.count('caughtUp')).toBe(1);
    expect(sub.count('fellBehind')).toBe(0);
    expect(sub.errors).toEqual([]);
  });

  it('from END delivers only new events and is caught up at once', async () => {
    const stream = store().streamName('sub');
    await store().client.appendToStream(stream, testEvents(3));
    const sub = subscribe(stream, END);
    await sub.waitFor('caughtUp');
    expect(sub.events()).toEqual([]);
    await store().client.appendToStream(stream, testEvents(2));
    await sub.waitForEvents((e) => e.length >= 2, 'the new events');
    expect(revisions(sub)).toEqual([3, 4]);
  });

  it('to a stream that does not exist yet waits, then delivers it from revision 0', async () => {
    const stream = store().streamName('later');
    const sub = subscribe(stream, START);
    await sub.waitFor('confirmation');
    await store().client.appendToStream(stream, testEvents(2));
    await sub.waitForEvents((e) => e.length >= 2, 'the first events');
    expect(revisions(sub)).toEqual([0, 1]);
    expect(sub.errors).toEqual([]);
  });

  it('only delivers events of its own stream', async () => {
    const stream = store().streamName('own');
    const other = store().streamName('other');
    const sub = subscribe(stream, START);
    await sub.waitFor('confirmation');
    await store().client.appendToStream(other, testEvents(3));
    await store().client.appendToStream(stream, testEvents(1));
    await sub.waitForEvents((e) => e.length >= 1, 'the event');
    await store().client.appendToStream(stream, testEvents(1));
    await sub.waitForEvents((e) => e.length >= 2, 'the second event');
    expect(sub.events().every((e) => e.event!.streamId === stream)).toBe(true);
  });

  it('loses and repeats nothing while appends race the catch-up→live switch', async () => {
    const stream = store().streamName('race');
    const total = 600;
    for (let i = 0; i < 3; i += 1) await store().client.appendToStream(stream, testEvents(100));
    let written = 300;
    const writer = (async () => {
      // Appends keep landing while the subscription catches up and switches to live.
      while (written < total) {
        const batch = written % 7 === 0 ? 5 : 1;
        await store().client.appendToStream(stream, testEvents(Math.min(batch, total - written)));
        written += Math.min(batch, total - written);
      }
    })();
    const subs = [subscribe(stream, START), subscribe(stream, 150n)];
    await writer;
    await Promise.all(
      subs.map((s) =>
        s.waitForEvents((e) => e.length >= total - (s === subs[0] ? 0 : 151), 'all events', 20_000),
      ),
    );
    await Promise.all(subs.map((s) => s.waitFor('caughtUp', 1, 20_000)));
    expectContiguous(revisions(subs[0]), 0, total - 1);
    expectContiguous(revisions(subs[1]), 151, total - 1);
    for (const s of subs) {
      expect(s.log[0]).toEqual({ kind: 'confirmation' });
      expect(s.count('caughtUp')).toBe(1);
    }
  });

  it('stops delivering after unsubscribe, and the server keeps serving', async () => {
    const stream = store().streamName('unsub');
    const sub = subscribe(stream, START);
    await store().client.appendToStream(stream, testEvents(1));
    await sub.waitForEvents((e) => e.length >= 1, 'the event');
    await sub.stop();
    const result = await store().client.appendToStream(stream, testEvents(1));
    expect(result.nextExpectedRevision).toBe(1n);
    const probe = subscribe(stream, START);
    await probe.waitForEvents((e) => e.length >= 2, 'a new subscription');
    expect(sub.events()).toHaveLength(1);
  });
});
