import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { collect, rejectionOf, useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { readStreamEvents, revisionsOf, testEvents } from './contract-helpers';

/** readStream (esdb.md §4.1): 0-based revisions, `fromRevision` inclusive both ways, StreamNotFound vs StreamDeleted. */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

describe('readStream', () => {
  let stream: string;
  beforeAll(async () => {
    stream = store().streamName('read');
    await store().client.appendToStream(stream, testEvents(10));
  });

  it('forwards from START returns every event in revision order', async () => {
    const events = await readStreamEvents(store().client, stream);
    expect(revisionsOf(events)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.map((e) => (e.event!.data as { index: number }).index)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it.each([
    ['forwards from 3, count 4', { direction: FORWARDS, fromRevision: 3n, maxCount: 4 }, [3, 4, 5, 6]],
    ['forwards from 8, count 10', { direction: FORWARDS, fromRevision: 8n, maxCount: 10 }, [8, 9]],
    ['forwards from 0, count 1', { direction: FORWARDS, fromRevision: START, maxCount: 1 }, [0]],
    ['forwards from 10 (past the end)', { direction: FORWARDS, fromRevision: 10n }, []],
    ['forwards from END', { direction: FORWARDS, fromRevision: END }, []],
    ['backwards from END', { direction: BACKWARDS, fromRevision: END }, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
    ['backwards from END, count 2', { direction: BACKWARDS, fromRevision: END, maxCount: 2 }, [9, 8]],
    ['backwards from 1', { direction: BACKWARDS, fromRevision: 1n }, [1, 0]],
    ['backwards from 5, count 3', { direction: BACKWARDS, fromRevision: 5n, maxCount: 3n }, [5, 4, 3]],
    ['backwards from 0', { direction: BACKWARDS, fromRevision: 0n }, [0]],
  ] as const)('%s (inclusive)', async (_, options, expected) => {
    expect(revisionsOf(await readStreamEvents(store().client, stream, options))).toEqual(expected);
  });

  it('returns recorded events with stream, id, type, JSON flag and commit = prepare position', async () => {
    const appended = testEvents(2, 'Shaped');
    const s = store().streamName('shape');
    await store().client.appendToStream(s, appended);
    const events = await readStreamEvents(store().client, s);
    events.forEach((e, i) => {
      expect(e.link).toBeUndefined();
      expect(e.event).toMatchObject({
        streamId: s,
        id: appended[i].id,
        type: 'Shaped',
        revision: BigInt(i),
        isJson: true,
      });
      expect(e.event!.position!.commit).toBe(e.event!.position!.prepare);
    });
    expect(events[1].event!.position!.commit).toBeGreaterThan(events[0].event!.position!.commit);
  });

  it.each([FORWARDS, BACKWARDS] as const)(
    '%s on a missing stream fails with StreamNotFoundError naming it',
    async (direction) => {
      const missing = store().streamName('missing');
      const error = await rejectionOf(
        collect(
          store().client.readStream(missing, {
            direction,
            fromRevision: direction === FORWARDS ? START : END,
          }),
        ),
      );
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect((error as StreamNotFoundError).streamName).toBe(missing);
    },
  );

  it('fails with StreamDeletedError after a tombstone', async () => {
    const s = store().streamName('tomb');
    await store().client.appendToStream(s, testEvents(2));
    await store().client.tombstoneStream(s);
    const error = await rejectionOf(readStreamEvents(store().client, s));
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(s);
  });

  it('reads a stream of 1 000 events in full, both ways', async () => {
    const s = store().streamName('long');
    for (let i = 0; i < 10; i += 1) await store().client.appendToStream(s, testEvents(100, 'Long', i * 100));
    const forwards = await readStreamEvents(store().client, s);
    expect(revisionsOf(forwards)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const backwards = await readStreamEvents(store().client, s, { direction: BACKWARDS, fromRevision: END });
    expect(revisionsOf(backwards)).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
  });
});
