import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  eventTypeFilter,
  excludeSystemEvents,
  Filter,
  jsonEvent,
  ReadPosition,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import { collect, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { checkpointSink, recordSubscription, SubscriptionRecorder } from './contract-helpers';

/**
 * Server-side filters on `$all` subscriptions and their checkpoints (esdb.md §4.9, §4.11): stream-name and
 * event-type filters by prefix or regex, excludeSystemEvents (= event type regex `^[^$].*`), checkpoints every
 * window × multiplier *considered* events (window 32 by default) and at the end of catch-up.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();
const recorders: SubscriptionRecorder[] = [];

afterEach(async () => {
  await Promise.allSettled(recorders.splice(0).map((r) => r.stop()));
});

function subscribe(
  filter: Filter,
  fromPosition: ReadPosition = START,
  sink = checkpointSink(),
): SubscriptionRecorder {
  const recorder = recordSubscription(
    store().client.subscribeToAll({
      fromPosition,
      filter: { ...filter, checkpointReached: sink.checkpointReached },
    }),
    sink,
  );
  recorders.push(recorder);
  return recorder;
}

/** The newest position in $all, to subscribe from "now" while still going through catch-up. */
async function endOfAll(): Promise<ReadPosition> {
  const [last] = await collect(
    store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
  );
  return last?.event ? last.event.position : START;
}

async function appendTyped(stream: string, ...types: string[]): Promise<void> {
  await store().client.appendToStream(
    stream,
    types.map((type) => jsonEvent({ id: randomUUID(), type, data: {} })),
  );
}

const streamsOf = (r: SubscriptionRecorder) => [...new Set(r.events().map((e) => e.event!.streamId))];
const typesOf = (r: SubscriptionRecorder) => r.events().map((e) => e.event!.type);

describe('subscribeToAll with a filter', () => {
  let p: string;
  let from: ReadPosition;

  beforeEach(async () => {
    p = store().uniquePrefix('f');
    from = await endOfAll();
    await appendTyped(`${p}-order-1`, `${p}Placed`, `${p}Shipped`);
    await appendTyped(`${p}-invoice-1`, `${p}Issued`);
    await appendTyped(`${p}-order-2`, `${p}Placed`);
    await appendTyped(`${p}-customer-1`, `${p}Registered`);
    await appendTyped(`x${p}-order-3`, `${p}Placed`);
  });

  it('streamNameFilter by prefixes delivers only streams starting with one of them', async () => {
    const sub = subscribe(streamNameFilter({ prefixes: [`${p}-order`, `${p}-invoice`] }), from);
    await sub.waitFor('caughtUp');
    expect(streamsOf(sub).sort()).toEqual([`${p}-invoice-1`, `${p}-order-1`, `${p}-order-2`].sort());
    expect(sub.events()).toHaveLength(4);
  });

  it('streamNameFilter by regex delivers only matching streams', async () => {
    const sub = subscribe(streamNameFilter({ regex: `^${p}-(order|customer)-[12]$` }), from);
    await sub.waitFor('caughtUp');
    expect(streamsOf(sub).sort()).toEqual([`${p}-customer-1`, `${p}-order-1`, `${p}-order-2`].sort());
  });

  it('eventTypeFilter by prefixes delivers only matching types', async () => {
    const sub = subscribe(eventTypeFilter({ prefixes: [`${p}Pla`, `${p}Reg`] }), from);
    await sub.waitFor('caughtUp');
    expect(typesOf(sub).sort()).toEqual([`${p}Placed`, `${p}Placed`, `${p}Placed`, `${p}Registered`].sort());
  });

  it('eventTypeFilter by regex delivers only matching types', async () => {
    const sub = subscribe(eventTypeFilter({ regex: `^${p}(Shipped|Issued)$` }), from);
    await sub.waitFor('caughtUp');
    expect(typesOf(sub).sort()).toEqual([`${p}Issued`, `${p}Shipped`]);
  });

  it('keeps filtering live events after caughtUp', async () => {
    const sub = subscribe(streamNameFilter({ prefixes: [`${p}-order`] }), from);
    await sub.waitFor('caughtUp');
    await appendTyped(`${p}-invoice-9`, 'Live');
    await appendTyped(`${p}-order-9`, 'Live');
    await sub.waitForEvents((e) => e.some((x) => x.event!.streamId === `${p}-order-9`), 'the live order');
    expect(streamsOf(sub).every((s) => s.startsWith(`${p}-order`))).toBe(true);
  });

  it('excludeSystemEvents drops every $-typed event (metadata included), keeps the others', async () => {
    await store().client.setStreamMetadata(`${p}-order-1`, { maxCount: 10 });
    await appendTyped(`${p}-order-1`, `${p}Closed`);
    const sub = subscribe(excludeSystemEvents(), from);
    await sub.waitForEvents((e) => e.some((x) => x.event!.type === `${p}Closed`), 'the last event');
    expect(sub.events().every((e) => !e.event!.type.startsWith('$'))).toBe(true);
    expect(sub.events().filter((e) => e.event!.streamId.startsWith(p))).toHaveLength(6);
  });

  it('excludeSystemEvents from START skips the system events of a fresh log', async () => {
    const sub = subscribe(excludeSystemEvents(), START);
    await sub.waitFor('caughtUp', 1, 20_000);
    expect(sub.events().every((e) => !e.event!.type.startsWith('$'))).toBe(true);
  });
});

describe('stream-name prefixes over few streams (read through the stream index on the embedded server)', () => {
  it('delivers what the equivalent regex (a scan of $all) delivers, in $all order, each event once', async () => {
    const p = store().uniquePrefix('ix');
    const from = await endOfAll();
    // Overlapping prefixes, a stream named exactly as a prefix, non-ASCII names and near misses.
    await appendTyped(`${p}-đơn-vị-1`, 'A', 'B');
    await appendTyped(`${p}-order`, 'C');
    await appendTyped(`${p}-orders-9`, 'D');
    await appendTyped(`${p}-ordes-1`, 'Miss');
    await appendTyped(`${p}-đơn-vi-1`, 'Miss');
    await appendTyped(`${p}-đơn-vị-2`, 'E');
    await store().client.setStreamMetadata(`${p}-order`, { maxCount: 5 });
    await appendTyped(`${p}-order`, 'F');
    const prefixes = [`${p}-order`, `${p}-orders`, `${p}-đơn-vị-`];
    const escaped = prefixes.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const byPrefix = subscribe(streamNameFilter({ prefixes }), from);
    const byRegex = subscribe(streamNameFilter({ regex: `^(${escaped.join('|')})` }), from);
    await byPrefix.waitFor('caughtUp');
    await byRegex.waitFor('caughtUp');
    const seen = (r: SubscriptionRecorder) =>
      r.events().map((e) => `${e.event!.streamId}@${e.event!.revision}:${e.event!.type}`);
    expect(typesOf(byPrefix)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(seen(byPrefix)).toEqual(seen(byRegex));
    const positions = byPrefix.events().map((e) => e.event!.position!.commit);
    expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
  });

  it('closes the catch-up with a checkpoint at the end of $all, and resuming from it misses nothing', async () => {
    const p = store().uniquePrefix('iy');
    const from = await endOfAll();
    await appendTyped(`${p}-ref-1`, 'Wanted');
    await appendTyped(`${p}-noise-1`, 'Noise', 'Noise', 'Noise');
    const sub = subscribe(streamNameFilter({ prefixes: [`${p}-ref-`] }), from);
    await sub.waitFor('caughtUp');
    expect(typesOf(sub)).toEqual(['Wanted']);
    const checkpoints = sub.log.flatMap((e) => (e.kind === 'checkpoint' ? [e.position] : []));
    const closing = checkpoints[checkpoints.length - 1];
    expect(closing.commit).toBeGreaterThan(sub.events()[0].event!.position!.commit);
    await appendTyped(`${p}-ref-1`, 'Live');
    await appendTyped(`${p}-ref-2`, 'Later');
    await sub.waitForEvents((e) => e.length >= 3, 'the live events');
    expect(typesOf(sub)).toEqual(['Wanted', 'Live', 'Later']);
    const resumed = subscribe(streamNameFilter({ prefixes: [`${p}-ref-`] }), closing);
    await resumed.waitFor('caughtUp');
    expect(typesOf(resumed)).toEqual(['Live', 'Later']);
  });
});

describe('filter checkpoints', () => {
  async function appendMany(stream: string, count: number, type: string): Promise<void> {
    for (let done = 0; done < count; done += 64) {
      await store().client.appendToStream(
        stream,
        Array.from({ length: Math.min(64, count - done) }, () =>
          jsonEvent({ id: randomUUID(), type, data: {} }),
        ),
      );
    }
  }

  function checkpointsBeforeCaughtUp(sub: SubscriptionRecorder) {
    const end = sub.log.findIndex((e) => e.kind === 'caughtUp');
    return sub.log.slice(0, end).flatMap((e) => (e.kind === 'checkpoint' ? [e.position] : []));
  }

  it('384 matching events with checkpointInterval 2 (window 32 → every 64 considered) give 6–7 checkpoints', async () => {
    const p = store().uniquePrefix('cp');
    const from = await endOfAll();
    await appendMany(`${p}-s`, 384, `${p}Counted`);
    const sub = subscribe(streamNameFilter({ prefixes: [p], checkpointInterval: 2 }), from);
    await sub.waitFor('caughtUp', 1, 20_000);
    expect(sub.events()).toHaveLength(384);
    const checkpoints = checkpointsBeforeCaughtUp(sub);
    expect(checkpoints.length).toBeGreaterThanOrEqual(6);
    // Other writers on a shared server add considered events, hence checkpoints: the bound is exact only alone.
    if (!store().shared) expect(checkpoints.length).toBeLessThanOrEqual(7);
    for (const c of checkpoints) expect(c.commit).toBe(c.prepare);
    for (let i = 1; i < checkpoints.length; i += 1) {
      expect(checkpoints[i].commit).toBeGreaterThan(checkpoints[i - 1].commit);
    }
  });

  it('counts considered events, not matches: 384 non-matching events still give 6–7 checkpoints', async () => {
    const p = store().uniquePrefix('cq');
    const from = await endOfAll();
    await appendMany(`${p}-s`, 384, `${p}Ignored`);
    const sub = subscribe(eventTypeFilter({ prefixes: [`${p}Wanted`], checkpointInterval: 2 }), from);
    await sub.waitFor('caughtUp', 1, 20_000);
    expect(sub.events()).toHaveLength(0);
    const checkpoints = checkpointsBeforeCaughtUp(sub);
    expect(checkpoints.length).toBeGreaterThanOrEqual(6);
    if (!store().shared) expect(checkpoints.length).toBeLessThanOrEqual(7);
  });

  it('a checkpoint can lie beyond the last delivered event, and resuming from it (exclusive) is safe', async () => {
    const p = store().uniquePrefix('cr');
    const from = await endOfAll();
    await appendMany(`${p}-wanted`, 10, `${p}Wanted`);
    await appendMany(`${p}-noise`, 200, `${p}Noise`);
    const sub = subscribe(streamNameFilter({ prefixes: [`${p}-wanted`], checkpointInterval: 1 }), from);
    await sub.waitFor('caughtUp');
    const checkpoints = checkpointsBeforeCaughtUp(sub);
    const last = checkpoints[checkpoints.length - 1];
    const lastDelivered = sub.events()[9].event!.position!;
    expect(last.commit).toBeGreaterThan(lastDelivered.commit);
    await appendMany(`${p}-wanted`, 2, `${p}Wanted`);
    const resumed = subscribe(streamNameFilter({ prefixes: [`${p}-wanted`] }), last);
    await resumed.waitForEvents((e) => e.length >= 2, 'the events after the checkpoint');
    expect(resumed.events().map((e) => Number(e.event!.revision))).toEqual([10, 11]);
  });

  it('uses maxSearchWindow as the window when given', async () => {
    const p = store().uniquePrefix('cw');
    const from = await endOfAll();
    await appendMany(`${p}-s`, 100, `${p}Counted`);
    const sub = subscribe(
      streamNameFilter({ prefixes: [p], maxSearchWindow: 10, checkpointInterval: 1 }),
      from,
    );
    await sub.waitFor('caughtUp');
    expect(sub.events()).toHaveLength(100);
    const checkpoints = checkpointsBeforeCaughtUp(sub);
    expect(checkpoints.length).toBeGreaterThanOrEqual(10);
    if (!store().shared) expect(checkpoints.length).toBeLessThanOrEqual(11);
  });
});
