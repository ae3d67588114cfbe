import { AllStreamSubscription, BACKWARDS, END, Position, ReadPosition, START } from '@eventstore/db-client';
import { collect, itNeedsOwnServer, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import {
  expectContiguous,
  readStreamEvents,
  recordSubscription,
  SubscriptionRecorder,
  testEvents,
} from './contract-helpers';

/**
 * Catch-up subscriptions to `$all` (esdb.md §4.5, §4.10): from a position exclusive, START, END, one
 * caught_up, live with no gaps while appends race the switch.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();
const recorders: SubscriptionRecorder[] = [];

afterEach(async () => {
  await Promise.allSettled(recorders.splice(0).map((r) => r.stop()));
});

function subscribe(fromPosition: ReadPosition): SubscriptionRecorder {
  const subscription: AllStreamSubscription = store().client.subscribeToAll({ fromPosition });
  const recorder = recordSubscription(subscription);
  recorders.push(recorder);
  return recorder;
}

const ofStream = (r: SubscriptionRecorder, stream: string) =>
  r.events().filter((e) => e.event?.streamId === stream);

describe('subscribeToAll', () => {
  it('from a position is exclusive: it starts with the event after it', async () => {
    const stream = store().streamName('suball');
    await store().client.appendToStream(stream, testEvents(4));
    const events = await readStreamEvents(store().client, stream);
    const from: Position = events[1].event!.position!;
    const sub = subscribe(from);
    await sub.waitForEvents(
      (e) => e.filter((x) => x.event?.streamId === stream).length >= 2,
      'revisions 2 and 3',
    );
    // With no other writer (own server), the very first event is the one right after the position.
    if (!store().shared) expect(sub.events()[0].event!.id).toBe(events[2].event!.id);
    for (const e of sub.events()) expect(e.event!.position!.commit).toBeGreaterThan(from.commit);
    expect(ofStream(sub, stream).map((e) => Number(e.event!.revision))).toEqual([2, 3]);
  });

  it('from START delivers the log in position order, one caughtUp, then live events', async () => {
    const stream = store().streamName('suball');
    await store().client.appendToStream(stream, testEvents(3));
    const sub = subscribe(START);
    await sub.waitFor('caughtUp', 1, 20_000);
    expect(sub.log[0]).toEqual({ kind: 'confirmation' });
    expect(sub.eventsBeforeCaughtUp().filter((e) => e.event?.streamId === stream)).toHaveLength(3);
    await store().client.appendToStream(stream, testEvents(2));
    await sub.waitForEvents((e) => e.filter((x) => x.event?.streamId === stream).length >= 5, 'live events');
    expectContiguous(
      ofStream(sub, stream).map((e) => Number(e.event!.revision)),
      0,
      4,
    );
    const commits = sub.events().map((e) => e.event!.position!.commit);
    for (let i = 1; i < commits.length; i += 1) expect(commits[i]).toBeGreaterThan(commits[i - 1]);
    expect(sub.count('caughtUp')).toBe(1);
  });

  itNeedsOwnServer('from START on a fresh log delivers the system events first', async () => {
    // The file's own server: the first events of $all are the store's $ events, before any stream of ours.
    const sub = subscribe(START);
    await sub.waitFor('caughtUp', 1, 20_000);
    const first = sub.eventsBeforeCaughtUp()[0];
    expect(first.event!.streamId.startsWith('$') || first.event!.type.startsWith('$')).toBe(true);
  });

  it('from END delivers only new events', async () => {
    const stream = store().streamName('suball');
    await store().client.appendToStream(stream, testEvents(3));
    const sub = subscribe(END);
    await sub.waitFor('caughtUp');
    await store().client.appendToStream(stream, testEvents(1));
    await sub.waitForEvents((e) => e.some((x) => x.event?.streamId === stream), 'the new event');
    expect(ofStream(sub, stream).map((e) => Number(e.event!.revision))).toEqual([3]);
  });

  it('loses and repeats nothing while appends to many streams race the catch-up→live switch', async () => {
    const streams = Array.from({ length: 4 }, () => store().streamName('allrace'));
    const [last] = await collect(
      store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
    );
    for (const s of streams) await store().client.appendToStream(s, testEvents(50));
    const perStream = 150;
    const writers = streams.map(async (s) => {
      for (let written = 50; written < perStream; written += 2)
        await store().client.appendToStream(s, testEvents(2));
    });
    // From the event before our first one: everything of ours arrives, in order, whatever the switch timing.
    const sub = subscribe(last?.event ? last.event.position : START);
    await Promise.all(writers);
    await sub.waitForEvents(
      (e) => e.filter((x) => streams.includes(x.event!.streamId)).length >= perStream * streams.length,
      'every event of ours',
      30_000,
    );
    await sub.waitFor('caughtUp', 1, 20_000);
    for (const s of streams) {
      expectContiguous(
        ofStream(sub, s).map((e) => Number(e.event!.revision)),
        0,
        perStream - 1,
      );
    }
    const commits = sub.events().map((e) => e.event!.position!.commit);
    expect(new Set(commits).size).toBe(commits.length);
    expect(sub.count('caughtUp')).toBe(1);
  });

  it('delivers every live event without waiting for a later append (no lost wake-ups)', async () => {
    // Writers append one event each and wait until the subscription delivered it before the next: if a commit
    // notification is ever lost between the pump's read and its wait, every writer stalls and this fails.
    const sub = subscribe(END);
    await sub.waitFor('caughtUp');
    const writers = Array.from({ length: 8 }, async (_, w) => {
      const stream = store().streamName(`pingpong${w}`);
      for (let round = 0; round < 40; round += 1) {
        await store().client.appendToStream(stream, testEvents(1));
        await sub.waitForEvents(
          (e) => e.filter((x) => x.event?.streamId === stream).length > round,
          `event ${round} of writer ${w}`,
          5_000,
        );
      }
    });
    await Promise.all(writers);
  });
});
