import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORWARDS, START, jsonEvent } from '@eventstore/db-client';
import type { FeedSubscription, RecordedEvent } from '@tracker/application';
import { EsdbEventFeed } from './esdb-event-feed.adapter';
import { connectEventStore, type EventStoreConnection } from './event-store-connection';

jest.setTimeout(30_000);

let dir: string;
let connection: EventStoreConnection;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'es-feed-'));
  connection = await connectEventStore({ dataDir: dir });
});
afterEach(async () => {
  await connection.close();
  rmSync(dir, { recursive: true, force: true });
});

const append = (stream: string, n: number) =>
  connection.client.appendToStream(stream, jsonEvent({ type: 'Noted', data: { n } }));

/** The positions of the streams starting with `prefix`, as a plain read of `$all` has them. */
async function positionsIn$all(prefix: string): Promise<bigint[]> {
  const positions: bigint[] = [];
  for await (const r of connection.client.readAll({ direction: FORWARDS, fromPosition: START })) {
    if (r.event?.streamId.startsWith(prefix)) positions.push(r.event.position!.commit);
  }
  return positions;
}

/**
 * A wide feed over a log of `wide-` streams among others; `onEvent(n)` runs for the n-th event handed over
 * (the feed waits for it). Resolves once `until` events were handed over and the feed caught up.
 */
async function follow(
  feed: EsdbEventFeed,
  until: number,
  onEvent: (n: number, event: RecordedEvent) => Promise<void> | undefined,
): Promise<{ seen: bigint[]; caughtUp: number; errors: Error[]; subscription: FeedSubscription }> {
  const seen: bigint[] = [];
  const errors: Error[] = [];
  let caughtUp = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const check = () => (seen.length >= until && caughtUp > 0 ? done() : undefined);
  const subscription = feed.subscribe(
    { streamPrefixes: ['wide-'], wide: true },
    {
      onEvent: (event) => {
        seen.push(event.position);
        check();
        return onEvent(seen.length, event);
      },
      onCaughtUp: () => {
        caughtUp++;
        check();
      },
      onError: (error) => void errors.push(error),
    },
  );
  await finished;
  return { seen, caughtUp, errors, subscription };
}

async function seedLog(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await append(`wide-${i % 7}`, i);
    if (i % 3 === 0) await append(`other-${i}`, i);
  }
}

describe('a wide feed: the history read in pages of `$all`, then the subscription', () => {
  it('hands over events appended while the history is read once each, in `$all` order', async () => {
    await seedLog();
    const readAll = jest.spyOn(connection.client, 'readAll');
    const subscribe = jest.spyOn(connection.client, 'subscribeToAll');
    // Pages of 8: events appended while early pages are handled come in later pages.
    const feed = new EsdbEventFeed(connection.client, { historyPage: 8 });
    const { seen, caughtUp, errors, subscription } = await follow(feed, 33, (n) =>
      n === 3 || n === 17 || n === 30
        ? append(`wide-late-${n}`, n).then(() => append(`other-late-${n}`, n).then(() => undefined))
        : undefined,
    );
    await append('wide-live', 1);
    while (seen.length < 34) await new Promise((r) => setTimeout(r, 10));
    await subscription.stop();

    expect(readAll.mock.calls.length).toBeGreaterThan(3);
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(await positionsIn$all('wide-'));
    expect(seen).toHaveLength(34);
    expect(caughtUp).toBe(1);
    expect(errors).toEqual([]);
  });

  it('events appended after the last page was read come through the subscription, neither lost nor repeated', async () => {
    await seedLog();
    const readAll = jest.spyOn(connection.client, 'readAll');
    const subscribe = jest.spyOn(connection.client, 'subscribeToAll');
    // One page holds the whole history: whatever is appended while it is handled is the subscription's.
    const feed = new EsdbEventFeed(connection.client, { historyPage: 1000 });
    const { seen, caughtUp, errors, subscription } = await follow(feed, 34, (n) =>
      n === 1 || n === 30
        ? append(`wide-handover-${n}`, n)
            .then(() => append(`wide-handover-${n}`, n + 1))
            .then(() => undefined)
        : undefined,
    );
    await append('wide-live', 1);
    while (seen.length < 35) await new Promise((r) => setTimeout(r, 10));
    await subscription.stop();

    expect(readAll).toHaveBeenCalledTimes(1);
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(await positionsIn$all('wide-'));
    expect(seen).toHaveLength(35);
    expect(caughtUp).toBe(1);
    expect(errors).toEqual([]);
  });

  it('resumes after `after` (exclusive), whatever the page boundaries', async () => {
    await seedLog();
    const all = await positionsIn$all('wide-');
    const feed = new EsdbEventFeed(connection.client, { historyPage: 4 });
    const seen: bigint[] = [];
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    const subscription = feed.subscribe(
      { streamPrefixes: ['wide-'], wide: true, after: all[9] },
      { onEvent: (e) => void seen.push(e.position), onCaughtUp: () => caughtUp() },
    );
    await ready;
    await subscription.stop();
    expect(seen).toEqual(all.slice(10));
  });
});
