import { ExpectedRevisionConflict, type EventToAppend } from '../ports/event-store.port';
import { StagingEventStore } from './staging-event-store';

const event = (n: number): EventToAppend => ({
  event: { type: 'Counted', data: { n } },
  id: `id-${n}`,
  metadata: { actor: 'test', correlationId: 'c', causationId: 'c' },
});

describe('StagingEventStore', () => {
  it('checks expected revisions as the log does and reads back what it holds', async () => {
    const staging = new StagingEventStore();
    expect(await staging.readStream('s')).toEqual({ events: [], revision: -1n });
    await expect(staging.appendToStream('s', [event(0)], 0n)).rejects.toBeInstanceOf(
      ExpectedRevisionConflict,
    );
    await expect(staging.appendToStream('s', [event(0)], 'stream_exists')).rejects.toBeInstanceOf(
      ExpectedRevisionConflict,
    );
    expect(await staging.appendToStream('s', [event(0), event(1)], 'no_stream')).toEqual({
      nextExpectedRevision: 1n,
      position: -1n,
    });
    await expect(staging.appendToStream('s', [event(2)], 'no_stream')).rejects.toBeInstanceOf(
      ExpectedRevisionConflict,
    );
    await expect(staging.appendToStream('s', [event(2)], 0n)).rejects.toBeInstanceOf(
      ExpectedRevisionConflict,
    );
    await staging.appendToStream('s', [event(2)], 1n);
    await staging.appendToStream('s', [event(3)], 'any');
    const read = await staging.readStream('s');
    expect(read.revision).toBe(3n);
    expect(read.events.map((e) => [e.id, e.revision, e.streamName])).toEqual([
      ['id-0', 0n, 's'],
      ['id-1', 1n, 's'],
      ['id-2', 2n, 's'],
      ['id-3', 3n, 's'],
    ]);
    expect(staging.size).toBe(4);
  });

  it('commits each stream in one append expecting no stream, and reports a stream already there', async () => {
    const staging = new StagingEventStore();
    await staging.appendToStream('a', [event(0)], 'no_stream');
    await staging.appendToStream('a', [event(1)], 0n);
    await staging.appendToStream('b', [event(2)], 'no_stream');
    const log = new StagingEventStore();
    await log.appendToStream('b', [event(9)], 'no_stream');
    const appends: string[] = [];
    const append = log.appendToStream.bind(log);
    log.appendToStream = (name, events, expected) => {
      appends.push(`${name}:${events.length}:${String(expected)}`);
      return append(name, events, expected);
    };

    const results = await staging.commitTo(log);

    expect(appends.sort()).toEqual(['a:2:no_stream', 'b:1:no_stream']);
    expect(results.get('a')).toEqual({ nextExpectedRevision: 1n, position: -1n });
    expect(results.get('b')).toBeInstanceOf(ExpectedRevisionConflict);
    expect((await log.readStream('a')).events.map((e) => e.id)).toEqual(['id-0', 'id-1']);
    expect((await log.readStream('b')).events.map((e) => e.id)).toEqual(['id-9']);
    expect(staging.streamNames).toEqual(['a', 'b']);
  });
});
