import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProposedEvent } from './event-log.types';
import { LogLockedError, SqliteEventLog } from './sqlite-event-log';

const event = (): ProposedEvent => ({
  id: randomUUID(),
  type: 'Happened',
  contentType: 'application/json',
  data: Buffer.from('{}'),
  metadata: Buffer.alloc(0),
});

describe('SqliteEventLog on disk', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'event-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps events, revisions, deletions and strictly growing positions across a restart', () => {
    const first = new SqliteEventLog({ dataDir: dir });
    const seeded = first.readAll(0, true, 100).length;
    const written = first.append('s', { kind: 'no_stream' }, [event(), event()]);
    first.tombstone('gone', { kind: 'any' });
    const lastBefore = first.lastPosition;
    first.close();

    const second = new SqliteEventLog({ dataDir: dir });
    try {
      // Not seeded twice.
      expect(second.readAll(0, true, 100).length).toBe(seeded + 3);
      expect(second.append('s', { kind: 'exact', revision: 1 }, [event()])).toMatchObject({
        status: 'ok',
        lastRevision: 2,
      });
      expect(second.lastPosition).toBeGreaterThan(lastBefore);
      expect(written.status === 'ok' && written.position).toBeLessThan(second.lastPosition);
      expect(second.append('gone', { kind: 'any' }, [event()]).status).toBe('stream-deleted');
    } finally {
      second.close();
    }
  });

  it.each(['full', 'normal'] as const)(
    'synchronous %s: a group commit is answered once written, and survives a restart',
    async (synchronous) => {
      const first = new SqliteEventLog({ dataDir: dir, synchronous });
      const before = first.transactions;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          first.submit(() => first.append(`g-${i % 4}`, { kind: 'any' }, [event()])),
        ),
      );
      expect(first.transactions - before).toBe(1);
      expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
      // Nothing is left unsynced once every write was answered.
      expect(first.whenDurable()).toBeUndefined();
      first.close();
      const second = new SqliteEventLog({ dataDir: dir, synchronous });
      try {
        for (let i = 0; i < 4; i++) {
          const page = second.readStream(`g-${i}`, 0, true, 100);
          expect(page.status === 'ok' && page.events.length).toBe(5);
        }
      } finally {
        second.close();
      }
    },
  );

  it('a second log on the same directory is refused while the first holds the lock, then allowed', () => {
    const first = new SqliteEventLog({ dataDir: dir });
    expect(() => new SqliteEventLog({ dataDir: dir, lockTimeoutMs: 100 })).toThrow(LogLockedError);
    first.close();
    new SqliteEventLog({ dataDir: dir, lockTimeoutMs: 100 }).close();
  });
});
