import { BACKWARDS, binaryEvent, END, EventData, START } from '@eventstore/db-client';
import { collect, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { readStreamEvents, recordSubscription, testEvents } from './contract-helpers';

/**
 * `$>` link events (data `<revision>@<stream>`, esdb.md §4.9): with resolveLinkTos a read or a subscription
 * returns the event linked to as `event` and the link record as `link`; without it, the link record itself.
 */
jest.setTimeout(30_000);
const store = useTestEventStore();

const linkTo = (revision: number, stream: string): EventData =>
  binaryEvent({ type: '$>', data: Buffer.from(`${revision}@${stream}`, 'utf8') });

async function linkedPair() {
  const client = store().client;
  const target = store().streamName('target');
  const links = store().streamName('links');
  await client.appendToStream(target, testEvents(3));
  await client.appendToStream(links, [linkTo(2, target), linkTo(0, target)]);
  return { client, target, links };
}

describe('$> links', () => {
  it('readStream with resolveLinkTos returns the linked event and the link', async () => {
    const { client, target, links } = await linkedPair();
    const read = await readStreamEvents(client, links, { resolveLinkTos: true });
    expect(read.map((r) => [r.event?.streamId, Number(r.event?.revision)])).toEqual([
      [target, 2],
      [target, 0],
    ]);
    expect(read.map((r) => [r.link?.streamId, Number(r.link?.revision), r.link?.type])).toEqual([
      [links, 0, '$>'],
      [links, 1, '$>'],
    ]);
    expect(read[0].event!.data).toEqual({ index: 2 });
    // The read event sits at the link's position.
    expect(read[0].commitPosition).toBe(read[0].link!.position!.commit);
  });

  it('without resolveLinkTos the link record itself is the event', async () => {
    const { client, target, links } = await linkedPair();
    const read = await readStreamEvents(client, links);
    expect(read.map((r) => r.event?.type)).toEqual(['$>', '$>']);
    expect(read.every((r) => r.link === undefined)).toBe(true);
    expect(Buffer.from(read[0].event!.data as Uint8Array).toString('utf8')).toBe(`2@${target}`);
  });

  it('$all reads resolve links too', async () => {
    const { client, target, links } = await linkedPair();
    const read = await collect(
      client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2, resolveLinkTos: true }),
    );
    expect(read.map((r) => [r.link?.streamId, r.event?.streamId, Number(r.event?.revision)])).toEqual([
      [links, target, 0],
      [links, target, 2],
    ]);
  });

  it('a link whose target is gone comes with the link only', async () => {
    const client = store().client;
    const target = store().streamName('gone');
    const links = store().streamName('links');
    await client.appendToStream(target, testEvents(1));
    await client.appendToStream(links, [linkTo(0, target), linkTo(5, target)]);
    await client.deleteStream(target);
    const read = await readStreamEvents(client, links, { resolveLinkTos: true });
    expect(read.map((r) => [r.event, r.link?.type])).toEqual([
      [undefined, '$>'],
      [undefined, '$>'],
    ]);
  });

  it('stream and $all subscriptions with resolveLinkTos deliver the linked events, live ones included', async () => {
    const { client, target, links } = await linkedPair();
    const toStream = recordSubscription(
      client.subscribeToStream(links, { fromRevision: START, resolveLinkTos: true }),
    );
    const toAll = recordSubscription(client.subscribeToAll({ fromPosition: END, resolveLinkTos: true }));
    try {
      await toStream.waitFor('caughtUp');
      await toAll.waitFor('caughtUp');
      await client.appendToStream(links, linkTo(1, target));
      await toStream.waitForEvents((e) => e.length >= 3, 'three resolved links');
      expect(toStream.events().map((r) => [Number(r.event?.revision), r.link?.streamId])).toEqual([
        [2, links],
        [0, links],
        [1, links],
      ]);
      await toAll.waitForEvents((e) => e.some((r) => r.link?.streamId === links), 'the live link in $all');
      const live = toAll.events().find((r) => r.link?.streamId === links)!;
      expect([live.event?.streamId, Number(live.event?.revision)]).toEqual([target, 1]);
    } finally {
      await toStream.stop();
      await toAll.stop();
    }
  });
});
