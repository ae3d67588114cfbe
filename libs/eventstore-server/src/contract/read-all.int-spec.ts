import {
  AllStreamResolvedEvent,
  BACKWARDS,
  END,
  FORWARDS,
  Position,
  START,
  binaryEvent,
} from '@eventstore/db-client';
import {
  collect,
  itNeedsOwnServer,
  startTestEventStore,
  useTestEventStore,
} from '@tracker/testing/eventstore/test-event-store';
import { testEvents } from './contract-helpers';

/**
 * readAll and positions (esdb.md §4.5): commit = prepare, strictly growing, forwards inclusive, backwards
 * strictly before, `$all` holds system and metadata events.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

/** The position of the newest event in $all (START on an empty log): reading forwards from it skips history. */
async function endOfAll(): Promise<Position | typeof START> {
  const [last] = await collect(
    store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
  );
  return last?.event ? last.event.position : START;
}

function positionOf(e: AllStreamResolvedEvent): Position {
  return e.event!.position;
}

describe('readAll', () => {
  let stream: string;
  let mine: AllStreamResolvedEvent[];

  beforeAll(async () => {
    stream = store().streamName('all');
    const before = await endOfAll();
    for (let i = 0; i < 4; i += 1)
      await store().client.appendToStream(stream, testEvents(2, 'AllTested', i * 2));
    const all = await collect(store().client.readAll({ fromPosition: before }));
    mine = all.filter((e) => e.event?.streamId === stream);
  });

  it('forwards holds every appended event once, in append order', () => {
    expect(mine.map((e) => Number(e.event!.revision))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('positions have commit = prepare and grow strictly across the log', async () => {
    // The whole log on a fresh store; the last 2 000 events against a shared one.
    const all = store().shared
      ? (
          await collect(store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 2000 }))
        ).reverse()
      : await collect(store().client.readAll({ fromPosition: START }));
    for (const e of all) expect(positionOf(e).commit).toBe(positionOf(e).prepare);
    for (let i = 1; i < all.length; i += 1) {
      expect(positionOf(all[i]).commit).toBeGreaterThan(positionOf(all[i - 1]).commit);
    }
  });

  it('forwards from a position is inclusive: it starts with the event at that position', async () => {
    const from = positionOf(mine[3]);
    const read = await collect(store().client.readAll({ fromPosition: from, maxCount: 3 }));
    expect(read.map((e) => e.event!.id)).toEqual(mine.slice(3, 6).map((e) => e.event!.id));
  });

  it('backwards from a position yields only events strictly before it', async () => {
    const from = positionOf(mine[3]);
    const read = await collect(
      store().client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: 3 }),
    );
    expect(read.map((e) => e.event!.id)).toEqual([mine[2], mine[1], mine[0]].map((e) => e.event!.id));
    for (const e of read) expect(positionOf(e).commit).toBeLessThan(from.commit);
  });

  it('backwards from END starts with the newest event', async () => {
    const s = store().streamName('newest');
    const result = await store().client.appendToStream(s, testEvents(1));
    const [newest] = await collect(
      store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
    );
    // Against a shared server someone else may have written since: the newest is then at least ours.
    expect(positionOf(newest).commit).toBeGreaterThanOrEqual(result.position!.commit);
  });

  it('forwards from END returns nothing', async () => {
    expect(await collect(store().client.readAll({ fromPosition: END, direction: FORWARDS }))).toEqual([]);
  });

  it('maxCount bounds the read', async () => {
    expect(await collect(store().client.readAll({ fromPosition: START, maxCount: 5 }))).toHaveLength(5);
  });

  it('AppendResult.position is the $all position of the last event of the write', async () => {
    const s = store().streamName('pos');
    const result = await store().client.appendToStream(s, testEvents(3));
    const read = await collect(store().client.readAll({ fromPosition: result.position!, maxCount: 1 }));
    expect(read[0].event).toMatchObject({ streamId: s, revision: 2n });
  });

  it('keeps metadata ($$ stream, $metadata) and soft-deleted events in $all', async () => {
    const s = store().streamName('kept');
    const before = await endOfAll();
    await store().client.appendToStream(s, testEvents(2));
    await store().client.setStreamMetadata(s, { maxCount: 5 });
    await store().client.deleteStream(s);
    const events = await collect(store().client.readAll({ fromPosition: before }));
    expect(events.filter((e) => e.event?.streamId === s)).toHaveLength(2);
    expect(events.some((e) => e.event?.streamId === `$$${s}` && e.event.type === '$metadata')).toBe(true);
  });

  it('positions keep growing across appends from concurrent writers', async () => {
    const before = await endOfAll();
    const streams = Array.from({ length: 8 }, () => store().streamName('race'));
    const results = await Promise.all(
      streams.flatMap((s) => [0, 1, 2].map(() => store().client.appendToStream(s, testEvents(2)))),
    );
    const commits = results.map((r) => r.position!.commit);
    expect(new Set(commits).size).toBe(commits.length);
    const all = await collect(store().client.readAll({ fromPosition: before }));
    const ours = all.filter((e) => streams.includes(e.event!.streamId));
    expect(ours).toHaveLength(48);
    for (const s of streams) {
      const revisions = ours.filter((e) => e.event!.streamId === s).map((e) => Number(e.event!.revision));
      expect(revisions).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });
});

describe('pages of $all', () => {
  it('events big enough that a page outgrows one write, and reads over many pages, arrive whole and in order', async () => {
    const big = store().streamName('big');
    const many = store().streamName('many');
    const before = await endOfAll();
    // 12 × 700 KB: well over what one write of a page carries.
    const payloads = Array.from({ length: 12 }, (_, i) => Buffer.alloc(700_000, i + 1));
    for (const data of payloads) {
      await store().client.appendToStream(
        big,
        binaryEvent({ type: 'Big', data, metadata: data.subarray(0, 1) }),
      );
    }
    for (let i = 0; i < 6; i += 1)
      await store().client.appendToStream(many, testEvents(200, 'Many', i * 200));

    const forwards = await collect(store().client.readAll({ fromPosition: before }));
    const bigOnes = forwards.filter((e) => e.event?.streamId === big);
    expect(
      bigOnes.map((e) => Buffer.compare(e.event!.data as Uint8Array, payloads[Number(e.event!.revision)])),
    ).toEqual(payloads.map(() => 0));
    expect(bigOnes.map((e) => Number(e.event!.revision))).toEqual(payloads.map((_, i) => i));
    const manyOnes = forwards.filter((e) => e.event?.streamId === many);
    expect(manyOnes.map((e) => (e.event!.data as { index: number }).index)).toEqual(
      Array.from({ length: 1200 }, (_, i) => i),
    );

    // maxCount across page boundaries, both ways.
    const first700 = await collect(store().client.readAll({ fromPosition: before, maxCount: 700 }));
    expect(first700.map(positionOf)).toEqual(forwards.slice(0, 700).map(positionOf));
    const last700 = await collect(
      store().client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 700 }),
    );
    expect(last700.map(positionOf)).toEqual(forwards.slice(-700).reverse().map(positionOf));
  });
});

describe('a fresh store', () => {
  itNeedsOwnServer('already has system ($-prefixed) events in $all before any user write', async () => {
    const fresh = await startTestEventStore();
    try {
      const all = await collect(fresh.client.readAll({ fromPosition: START }));
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((e) => e.event!.streamId.startsWith('$') || e.event!.type.startsWith('$'))).toBe(true);
      expect(all.some((e) => e.event!.type.startsWith('$'))).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
