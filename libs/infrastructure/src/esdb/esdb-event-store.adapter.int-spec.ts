import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { RunningEventStoreServer, startEventStoreServer } from '@tracker/eventstore-server';
import { EsdbEventStore } from './esdb-event-store.adapter';

/**
 * An append the store answers as timed out (a real node's commit timeout, 2 s by default there) may have been
 * written: the adapter settles it before anyone answers, as it does for a lost answer.
 */
// Waits below are the store's; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);

describe('EsdbEventStore against a store whose commit timeout ran out', () => {
  let dir: string;
  let server: RunningEventStoreServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esdb-adapter-timeouts-'));
    // 1 ms, checked every millisecond: an append of 3,000 events is committed but not yet synced by then.
    server = await startEventStoreServer({
      port: 0,
      dataDir: dir,
      prepareTimeoutMs: 1,
      commitTimeoutMs: 1,
      timeoutTickMs: 1,
    });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an append answered as timed out, yet written, is settled as written, once', async () => {
    const answers: unknown[] = [];
    const original = client.appendToStream.bind(client);
    const spy = jest
      .spyOn(client, 'appendToStream')
      .mockImplementation((...args: Parameters<EventStoreDBClient['appendToStream']>) => {
        const answer = original(...args);
        answer.then(
          () => answers.push('ok'),
          (error: unknown) => answers.push(error),
        );
        return answer;
      });
    try {
      const stream = `timed-out-${randomUUID()}`;
      const events = Array.from({ length: 3_000 }, (_, i) => ({
        id: randomUUID(),
        event: { type: 'Counted', data: { i } },
        metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
      }));
      const result = await new EsdbEventStore(client).appendToStream(stream, events, 'no_stream');
      // The store's answer was a timeout, and the adapter sent nothing again: it found the events written.
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ type: 'deadline-exceeded' });
      expect(result.nextExpectedRevision).toBe(2_999n);
      const read = await new EsdbEventStore(client).readStream(stream);
      expect(read.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    } finally {
      spy.mockRestore();
    }
  });
});
