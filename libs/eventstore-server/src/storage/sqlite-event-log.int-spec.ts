import { randomUUID } from 'node:crypto';
import { fdatasync, mkdtempSync, rmSync, statSync } from 'node:fs';
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

const ANY: ExpectedRevision = { kind: 'any' };
const NO_STREAM: ExpectedRevision = { kind: 'no_stream' };
const exact = (revision: number): ExpectedRevision => ({ kind: 'exact', revision });

/** One event-loop turn: what was queued in this one is committed at its end. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The real WAL sync, whose answer is held until the test lets it through: shows what the log does while a
 * sync runs.
 */
function heldSyncs() {
  const held: (() => void)[] = [];
  let started = 0;
  return {
    syncWal: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      started++;
      fdatasync(fd, (error) => held.push(() => done(error)));
    },
    get started() {
      return started;
    },
    /** Lets the oldest sync return, once the disk has done it. */
    async release() {
      while (held.length === 0) await turn();
      held.shift()!();
    },
  };
}

/**
 * Direct writes (no group commit, no sync) fill the WAL past the checkpoint's 1,000 frames, so that the next
 * group's sync is followed by a checkpoint; SQLite's own checkpoint, further out, does not come round.
 */
function fillWal(log: SqliteEventLog, file: string): void {
  // A fresh log's WAL only grows until the first checkpoint: its length counts its frames.
  const walFrames = () => Math.floor((statSync(`${file}-wal`).size - 32) / (24 + 4096));
  let written = 0;
  while (walFrames() < 1100 && written < 20_000) {
    log.append(`w-${written++}`, NO_STREAM, [{ ...event(), data: Buffer.alloc(3000, 'x') }]);
  }
  expect(walFrames()).toBeGreaterThanOrEqual(1100);
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

  it('the latest event ids are remembered across a restart: a retry after it is still idempotent', () => {
    const events = [event(), event()];
    const first = new SqliteEventLog({ dataDir: dir });
    const answer = first.append('s', ANY, events);
    first.close();
    const second = new SqliteEventLog({ dataDir: dir });
    try {
      expect(second.append('s', ANY, events)).toEqual(answer);
      const page = second.readStream('s', 0, true, 10);
      expect(page.status === 'ok' && page.events.length).toBe(2);
    } finally {
      second.close();
    }
  });

  it('a log written with the index of event ids loses it: idempotency no longer needs it', () => {
    const old = new Database(join(dir, 'events.sqlite'));
    old.exec(`CREATE TABLE events (pos INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
      id TEXT NOT NULL, type TEXT NOT NULL, content_type TEXT NOT NULL, created INTEGER NOT NULL,
      data BLOB NOT NULL, metadata BLOB NOT NULL, wire BLOB);
      CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
      CREATE INDEX events_by_id ON events (stream, id);`);
    const e = event();
    old
      .prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)')
      .run(128, 'old', 0, e.id, e.type, e.contentType, 1_764_000_000_000_000, e.data, Buffer.from('{}'));
    old.close();

    const log = new SqliteEventLog({ dataDir: dir });
    try {
      // Its events' ids are known from the log itself.
      expect(log.append('old', ANY, [e])).toMatchObject({ status: 'ok', lastRevision: 0, position: 128 });
    } finally {
      log.close();
    }
    const check = new Database(join(dir, 'events.sqlite'));
    try {
      const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
      expect(indexes).toEqual(['events_by_stream']);
    } finally {
      check.close();
    }
  });

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

  describe('durable group commit: one sync at a time, the next group queues during it', () => {
    it('in a process of its own, appends submitted in one turn commit in one transaction, synced on the event loop before they are answered', async () => {
      const log = new SqliteEventLog({ dataDir: dir, syncOnEventLoop: true });
      try {
        const before = log.transactions;
        const outcomes = Promise.all(
          Array.from({ length: 20 }, (_, i) => log.submit(() => log.append(`s-${i % 5}`, ANY, [event()]))),
        );
        expect(log.transactions - before).toBe(0);
        await turn();
        expect(log.transactions - before).toBe(1);
        // The sync ran inside that turn: nothing is left to wait for, before or after the answers.
        expect(log.whenDurable()).toBeUndefined();
        expect((await outcomes).map((o) => o.status)).toEqual(Array(20).fill('ok'));
      } finally {
        log.close();
      }
    });

    it('embedded, the sync runs in the thread pool: reads wait for it, the answers come after it', async () => {
      const log = new SqliteEventLog({ dataDir: dir });
      try {
        const before = log.transactions;
        const outcomes = Promise.all(
          Array.from({ length: 20 }, (_, i) => log.submit(() => log.append(`s-${i % 5}`, ANY, [event()]))),
        );
        await turn();
        expect(log.transactions - before).toBe(1);
        const durable = log.whenDurable();
        expect(durable).toBeInstanceOf(Promise);
        await durable;
        expect((await outcomes).map((o) => o.status)).toEqual(Array(20).fill('ok'));
        expect(log.whenDurable()).toBeUndefined();
      } finally {
        log.close();
      }
    });

    it('appends arriving during a sync commit together after it, each answered on its own after its own sync', async () => {
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

        // Three appends in three later turns, while the first group's sync runs.
        const b = track(
          'b',
          log.submit(() => log.append('b', NO_STREAM, [event()])),
        );
        await turn();
        const conflict = track(
          'conflict',
          log.submit(() => log.append('a', NO_STREAM, [event()])),
        );
        await turn();
        const next = track(
          'next',
          log.submit(() => log.append('a', exact(0), [event()])),
        );
        await turn();
        expect(log.transactions - before).toBe(1);
        expect(answered).toEqual([]);

        await syncs.release();
        expect(await first).toMatchObject({ status: 'ok', lastRevision: 0 });
        await turn();
        // The three that queued during the sync: one transaction and one sync.
        expect(log.transactions - before).toBe(2);
        expect(syncs.started).toBe(2);
        const again = track(
          'again',
          log.submit(() => log.append('a', exact(1), [event()])),
        );
        await turn();
        expect(log.transactions - before).toBe(2);
        expect(answered).toEqual(['first']);

        await syncs.release();
        const outcomes = await Promise.all([b, conflict, next]);
        expect(answered).toEqual(['first', 'b', 'conflict', 'next']);
        expect(outcomes[0]).toMatchObject({ status: 'ok', lastRevision: 0 });
        expect(outcomes[1]).toEqual({ status: 'wrong-expected-version', currentRevision: 0 });
        expect(outcomes[2]).toMatchObject({ status: 'ok', lastRevision: 1 });
        await turn();
        expect(log.transactions - before).toBe(3);
        await syncs.release();
        expect(await again).toMatchObject({ status: 'ok', lastRevision: 2 });
        const positions = [await first, outcomes[0], outcomes[2], await again].map((o) =>
          o.status === 'ok' ? o.position : -1,
        );
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        expect(log.whenDurable()).toBeUndefined();
      } finally {
        log.close();
      }
    });

    it('readers waiting for a sync read before the group gathered during it commits', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      try {
        void log.submit(() => log.append('x', NO_STREAM, [event()]));
        await turn();
        const later = log.submit(() => log.append('y', NO_STREAM, [event()]));
        const before = log.transactions;
        const seen = log.whenDurable()!.then(() => ({
          x: log.readStream('x', 0, true, 10).status,
          y: log.readStream('y', 0, true, 10).status,
          transactions: log.transactions - before,
        }));
        await syncs.release();
        expect(await seen).toEqual({ x: 'ok', y: 'not-found', transactions: 0 });
        await turn(); // two writers do not wait for each other
        expect(log.transactions - before).toBe(1);
        await syncs.release();
        expect(await later).toMatchObject({ status: 'ok' });
      } finally {
        log.close();
      }
    });

    it('a failed sync fails its group and everything queued, and the log takes no more writes', async () => {
      let calls = 0;
      const log = new SqliteEventLog({
        dataDir: dir,
        syncWal: (_fd, done) => {
          calls++;
          setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
        },
      });
      try {
        const doomed = log.submit(() => log.append('s', NO_STREAM, [event()]));
        await turn();
        const queued = log.submit(() => log.append('t', NO_STREAM, [event()]));
        await expect(doomed).rejects.toBeInstanceOf(WalSyncError);
        await expect(queued).rejects.toBeInstanceOf(WalSyncError);
        await expect(log.submit(() => log.append('u', NO_STREAM, [event()]))).rejects.toBeInstanceOf(
          WalSyncError,
        );
        expect(calls).toBe(1);
      } finally {
        log.close();
      }
    });

    it('answers the request timeouts at their tick: a commit past them stays written, a queued write is dropped', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({
        dataDir: dir,
        syncWal: syncs.syncWal,
        prepareTimeoutMs: 300,
        commitTimeoutMs: 300,
      });
      try {
        const committed = log.submit(() => log.append('committed', NO_STREAM, [event()]));
        await turn(); // committed; its sync is held
        const queued = log.submit(() => log.append('queued', NO_STREAM, [event()]));
        // Answered at the first tick past 300 ms (the real server's once a second), the sync still held.
        const started = Date.now();
        expect(await committed).toEqual({ status: 'timeout' });
        expect(await queued).toEqual({ status: 'timeout' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
        expect(syncs.started).toBe(1);
        await syncs.release();
        const durable = log.whenDurable();
        if (durable) await durable;
        expect(log.readStream('committed', 0, true, 10).status).toBe('ok');
        expect(log.readStream('queued', 0, true, 10).status).toBe('not-found');
        // Within the timeouts a write is answered as usual.
        const fresh = log.submit(() => log.append('fresh', NO_STREAM, [event()]));
        await syncs.release();
        expect(await fresh).toMatchObject({ status: 'ok' });
      } finally {
        log.close();
      }
    });

    it('checkpoints after a sync, not inside a commit: the database is written once the WAL is synced', async () => {
      const syncs = heldSyncs();
      const log = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      const file = join(dir, 'events.sqlite');
      try {
        fillWal(log, file);
        const database = statSync(file).size;
        const appended = log.submit(() => log.append('after', NO_STREAM, [event()]));
        await turn();
        expect(syncs.started).toBe(1);
        expect(statSync(file).size).toBe(database); // committed, not checkpointed
        await syncs.release();
        expect(await appended).toMatchObject({ status: 'ok' });
        expect(statSync(file).size).toBeGreaterThan(database); // checkpointed once the sync returned
        // The next group commits over the restarted WAL; everything reads back after a restart.
        const next = log.submit(() => log.append('next', NO_STREAM, [event()]));
        await syncs.release();
        expect(await next).toMatchObject({ status: 'ok' });
        const events = log.readAll(0, true, 100_000).length;
        log.close();
        const again = new SqliteEventLog({ dataDir: dir });
        try {
          expect(again.readAll(0, true, 100_000).length).toBe(events);
          expect(again.readStream('next', 0, true, 1).status).toBe('ok');
        } finally {
          again.close();
        }
      } finally {
        log.close();
      }
    });

    it("a checkpoint's database sync holds only the next commit: the group that crossed it is answered and readable meanwhile", async () => {
      const walSyncs = heldSyncs();
      const databaseSyncs = heldSyncs();
      const log = new SqliteEventLog({
        dataDir: dir,
        syncWal: walSyncs.syncWal,
        syncDatabase: databaseSyncs.syncWal,
      });
      try {
        fillWal(log, join(dir, 'events.sqlite'));
        const crossing = log.submit(() => log.append('crossing', NO_STREAM, [event()]));
        await turn();
        await walSyncs.release();
        // Answered while the database's sync is held: the group is on disk in the WAL.
        expect(await crossing).toMatchObject({ status: 'ok' });
        expect(databaseSyncs.started).toBe(1);
        expect(log.whenDurable()).toBeUndefined();
        expect(log.readStream('crossing', 0, true, 1).status).toBe('ok');
        // The next commit would restart the WAL over the copied frames: it waits for the database's sync.
        const transactions = log.transactions;
        const next = log.submit(() => log.append('next', NO_STREAM, [event()]));
        await turn();
        await turn();
        expect(log.transactions).toBe(transactions);
        expect(walSyncs.started).toBe(1);
        await databaseSyncs.release();
        await turn();
        expect(log.transactions).toBe(transactions + 1);
        await walSyncs.release();
        expect(await next).toMatchObject({ status: 'ok' });
      } finally {
        log.close();
      }
    });

    it('a failed database sync after a checkpoint: the group in the synced WAL stands, the log takes no more writes', async () => {
      const failing = (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
        setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      const log = new SqliteEventLog({ dataDir: dir, syncDatabase: failing });
      try {
        fillWal(log, join(dir, 'events.sqlite'));
        expect(await log.submit(() => log.append('crossing', NO_STREAM, [event()]))).toMatchObject({
          status: 'ok',
        });
        const queued = log.submit(() => log.append('queued', NO_STREAM, [event()]));
        await expect(queued).rejects.toBeInstanceOf(WalSyncError);
        await expect(log.submit(() => log.append('later', NO_STREAM, [event()]))).rejects.toBeInstanceOf(
          WalSyncError,
        );
      } finally {
        log.close();
      }
      const again = new SqliteEventLog({ dataDir: dir });
      try {
        expect(again.readStream('crossing', 0, true, 1).status).toBe('ok');
        expect(again.readStream('queued', 0, true, 1).status).toBe('not-found');
      } finally {
        again.close();
      }
    });

    it('close while a sync runs: the group is synced and answered at close and survives a restart', async () => {
      const syncs = heldSyncs();
      const first = new SqliteEventLog({ dataDir: dir, syncWal: syncs.syncWal });
      const written = first.submit(() => first.append('c', NO_STREAM, [event()]));
      await turn();
      const queued = first.submit(() => first.append('c', exact(0), [event()]));
      first.close();
      expect(await written).toMatchObject({ status: 'ok', lastRevision: 0 });
      expect(await queued).toMatchObject({ status: 'ok', lastRevision: 1 });
      await syncs.release(); // the held sync returns after the close: ignored
      const second = new SqliteEventLog({ dataDir: dir });
      try {
        const page = second.readStream('c', 0, true, 10);
        expect(page.status === 'ok' && page.events.map((e) => e.revision)).toEqual([0, 1]);
      } finally {
        second.close();
      }
    });
  });
});
