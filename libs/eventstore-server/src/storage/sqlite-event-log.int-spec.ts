import { randomUUID } from 'node:crypto';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { framedReadResp } from '../grpc/event-encoder';
import { ExpectedRevision, ProposedEvent } from './event-log.types';
import { LogLockedError, QueuedOutcome, SqliteEventLog, WalSyncError } from './sqlite-event-log';

const event = (): ProposedEvent => ({
  id: randomUUID(),
  type: 'Happened',
  contentType: 'application/json',
  data: Buffer.from('{}'),
  metadata: Buffer.alloc(0),
});

const NO_STREAM: ExpectedRevision = { kind: 'no_stream' };
const exact = (revision: number): ExpectedRevision => ({ kind: 'exact', revision });

/** One event-loop turn: what was queued in this one is committed at its end. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The real WAL sync, whose answer is held until the test lets it through: shows what the log does while a
 * sync runs.
 */
function heldSyncs() {
  const held: ((error?: NodeJS.ErrnoException) => void)[] = [];
  let started = 0;
  return {
    syncWal: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      started++;
      fdatasync(fd, (error) => held.push((failure?: NodeJS.ErrnoException) => done(failure ?? error)));
    },
    get started() {
      return started;
    },
    /** Resolves once the oldest sync is done on disk and waits to return. */
    async ready() {
      while (held.length === 0) await turn();
    },
    /** Lets the oldest sync return once the disk has done it, or fail with `error`. */
    async release(error?: NodeJS.ErrnoException) {
      await this.ready();
      held.shift()!(error);
    },
  };
}

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

  it('a log written before events kept their gRPC message gets the column; its old rows are encoded when read', () => {
    const old = new Database(join(dir, 'events.sqlite'));
    old.exec(`CREATE TABLE events (pos INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
      id TEXT NOT NULL, type TEXT NOT NULL, content_type TEXT NOT NULL, created INTEGER NOT NULL,
      data BLOB NOT NULL, metadata BLOB NOT NULL)`);
    const e = event();
    old
      .prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(128, 'old', 0, e.id, e.type, e.contentType, 1_764_000_000_000_000, e.data, Buffer.from('{"m":1}'));
    old.close();

    const log = new SqliteEventLog({ dataDir: dir });
    try {
      log.append('new', NO_STREAM, [event(), event()]);
      const rows = log.readAll(0, true, 10);
      expect(rows.map((r) => r.stream)).toEqual(['old', 'new', 'new']);
      for (const [from, limit] of [
        [0, 10],
        [0, 1],
        [rows[1].position, 2],
      ]) {
        const expected = rows.filter((r) => r.position >= from).slice(0, limit);
        expect(log.readAllFramed(from, true, limit)).toEqual({
          events: expected.length,
          last: expected.at(-1)!.position,
          bytes: Buffer.concat(expected.map(framedReadResp)),
        });
      }
    } finally {
      log.close();
    }
  });

  it('a second log on the same directory is refused while the first holds the lock, then allowed', () => {
    const first = new SqliteEventLog({ dataDir: dir });
    expect(() => new SqliteEventLog({ dataDir: dir, lockTimeoutMs: 100 })).toThrow(LogLockedError);
    first.close();
    new SqliteEventLog({ dataDir: dir, lockTimeoutMs: 100 }).close();
  });

  describe('durable group commit: one sync at a time, commits go on during it', () => {
    it('groups committed while a sync runs are answered only after the next sync, which starts when it returns; each write answered on its own, in arrival order', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      try {
        const before = log.transactions;
        const answered: string[] = [];
        const track = (name: string, outcome: Promise<QueuedOutcome>) =>
          outcome.then((o) => (answered.push(name), o));
        const first = track(
          'first',
          log.submit(() => log.append('a', NO_STREAM, [event()])),
        );
        await turn();
        expect(log.transactions - before).toBe(1);
        expect(syncs.started).toBe(1);

        // Three appends in two later turns, while the first group's sync runs: committed, not answered.
        const b = track(
          'b',
          log.submit(() => log.append('b', NO_STREAM, [event()])),
        );
        await turn();
        const conflict = track(
          'conflict',
          log.submit(() => log.append('a', NO_STREAM, [event()])),
        );
        const next = track(
          'next',
          log.submit(() => log.append('a', exact(0), [event()])),
        );
        await turn();
        await turn();
        expect(log.transactions - before).toBe(3);
        expect(syncs.started).toBe(1);
        expect(answered).toEqual([]);

        // The first sync returns: it answers only its own group; one sync for the two committed meanwhile.
        await syncs.release();
        expect(await first).toMatchObject({ status: 'ok', lastRevision: 0 });
        expect(syncs.started).toBe(2);
        const again = track(
          'again',
          log.submit(() => log.append('a', exact(1), [event()])),
        );
        await turn();
        await turn();
        expect(log.transactions - before).toBe(4);
        expect(answered).toEqual(['first']);

        await syncs.release();
        const outcomes: QueuedOutcome[] = await Promise.all([b, conflict, next]);
        expect(syncs.started).toBe(3);
        await turn();
        expect(answered).toEqual(['first', 'b', 'conflict', 'next']);
        await syncs.release();
        outcomes.push(await again);
        expect(answered).toEqual(['first', 'b', 'conflict', 'next', 'again']);
        expect(outcomes[0]).toMatchObject({ status: 'ok', lastRevision: 0 });
        expect(outcomes[1]).toEqual({ status: 'wrong-expected-version', currentRevision: 0 });
        expect(outcomes[2]).toMatchObject({ status: 'ok', lastRevision: 1 });
        expect(outcomes[3]).toMatchObject({ status: 'ok', lastRevision: 2 });
        const positions = [await first, outcomes[0], outcomes[2], outcomes[3]].map((o) =>
          o.status === 'ok' ? o.position : -1,
        );
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        expect(log.whenDurable()).toBeUndefined();
        expect(syncs.started).toBe(3);
      } finally {
        log.close();
      }
    });

    it('a sync returning while writes are queued: the next sync starts once they are committed, and covers them too', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      try {
        const first = log.submit(() => log.append('p', NO_STREAM, [event()]));
        await turn();
        const committed = log.submit(() => log.append('q', NO_STREAM, [event()]));
        await turn();
        await syncs.ready();
        const queued = log.submit(() => log.append('r', NO_STREAM, [event()]));
        const before = log.transactions;
        await syncs.release();
        expect(syncs.started).toBe(1); // not yet: the queued write is committed first
        expect(await first).toMatchObject({ status: 'ok' });
        await turn();
        expect(log.transactions - before).toBe(1);
        expect(syncs.started).toBe(2);
        await syncs.release();
        expect((await Promise.all([committed, queued])).map((o) => o.status)).toEqual(['ok', 'ok']);
        expect(syncs.started).toBe(2);
      } finally {
        log.close();
      }
    });

    it('readers wait until every committed group is synced, nothing commits while they wait, and they read before the next commit', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      try {
        void log.submit(() => log.append('x', NO_STREAM, [event()]));
        await turn();
        const y = log.submit(() => log.append('y', NO_STREAM, [event()]));
        await turn(); // committed during the first sync
        const before = log.transactions;
        let read = false;
        const seen = log.whenDurable()!.then(() => {
          read = true;
          return {
            x: log.readStream('x', 0, true, 10).status,
            y: log.readStream('y', 0, true, 10).status,
            z: log.readStream('z', 0, true, 10).status,
            transactions: log.transactions - before,
          };
        });
        const z = log.submit(() => log.append('z', NO_STREAM, [event()]));
        await turn();
        await turn();
        expect(log.transactions - before).toBe(0); // held for the reader

        await syncs.release(); // x is on disk, y not yet: the reader still waits
        await turn();
        expect(read).toBe(false);
        expect(log.transactions - before).toBe(0);
        expect(syncs.started).toBe(2);

        await syncs.release();
        expect(await seen).toEqual({ x: 'ok', y: 'ok', z: 'not-found', transactions: 0 });
        expect(await y).toMatchObject({ status: 'ok' });
        await turn();
        expect(log.transactions - before).toBe(1);
        await syncs.release();
        expect(await z).toMatchObject({ status: 'ok' });
      } finally {
        log.close();
      }
    });

    it('a failed sync fails its group, the groups committed during it and everything queued; the log takes no more writes', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      try {
        const doomed = log.submit(() => log.append('s', NO_STREAM, [event()]));
        await turn();
        const committed = log.submit(() => log.append('t', NO_STREAM, [event()]));
        await turn();
        const queued = log.submit(() => log.append('u', NO_STREAM, [event()]));
        await syncs.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
        await expect(doomed).rejects.toBeInstanceOf(WalSyncError);
        await expect(committed).rejects.toBeInstanceOf(WalSyncError);
        await expect(queued).rejects.toBeInstanceOf(WalSyncError);
        await expect(log.submit(() => log.append('v', NO_STREAM, [event()]))).rejects.toBeInstanceOf(
          WalSyncError,
        );
        await turn();
        expect(syncs.started).toBe(1);
      } finally {
        log.close();
      }
    });

    it('close while a sync runs: its group, the one committed during it and the queued one are synced and answered at close and survive a restart', async () => {
      const syncs = heldSyncs();
      const first = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      const written = first.submit(() => first.append('c', NO_STREAM, [event()]));
      await turn();
      const committed = first.submit(() => first.append('c', exact(0), [event()]));
      await turn(); // committed, not synced
      const queued = first.submit(() => first.append('c', exact(1), [event()]));
      first.close();
      expect(await written).toMatchObject({ status: 'ok', lastRevision: 0 });
      expect(await committed).toMatchObject({ status: 'ok', lastRevision: 1 });
      expect(await queued).toMatchObject({ status: 'ok', lastRevision: 2 });
      expect(syncs.started).toBe(1);
      await syncs.release(); // the held sync returns after the close: ignored
      const second = new SqliteEventLog({ dataDir: dir });
      try {
        const page = second.readStream('c', 0, true, 10);
        expect(page.status === 'ok' && page.events.map((e) => e.revision)).toEqual([0, 1, 2]);
      } finally {
        second.close();
      }
    });
  });
});
