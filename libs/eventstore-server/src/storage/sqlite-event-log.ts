import Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { framedReadResp } from '../grpc/event-encoder';
import { CommitSignal } from './commit.signal';
import {
  ExpectedRevision,
  ProposedEvent,
  StoredEvent,
  StreamReadOutcome,
  TOMBSTONE_REVISION,
  WriteOutcome,
} from './event-log.types';
import {
  NO_METADATA,
  SOFT_DELETED_TB,
  StreamMetadata,
  SystemSettings,
  parseStreamMetadata,
  parseSystemSettings,
  withTruncateBefore,
} from './stream-metadata';
import { StreamPrefixRead } from './stream-prefix.read';
import { CommittedIds } from './committed-ids';

/** Syncs a file's data (`fdatasync`'s shape): the WAL after a group, the database after a checkpoint. */
export type SyncFile = (fd: number, done: SyncDone) => void;
export type SyncDone = (error: NodeJS.ErrnoException | null) => void;

export interface SqliteEventLogOptions {
  /** Directory of the SQLite file; ignored when `memory`. */
  dataDir?: string;
  memory?: boolean;
  /** Injected clock (microseconds since the Unix epoch), for tests of `$maxAge`. */
  nowMicros?: () => number;
  /**
   * `full` (default): a write is answered once the WAL holding it is synced, so an acknowledged write
   * survives a power cut. `normal`: the old mode, kept for the bench; an OS crash may roll back the last
   * acknowledged commits.
   */
  synchronous?: 'full' | 'normal';
  /** How long to wait for another process's lock on the log before giving up (default 2 s). */
  lockTimeoutMs?: number;
  /**
   * Syncs the WAL (default: `fdatasync` in the thread pool, or on the event loop with `syncOnEventLoop`). Tests
   * hold a sync open (calling `done` later) to watch what the log does meanwhile.
   */
  syncWal?: SyncFile;
  /** Syncs the database after a checkpoint (default: `fdatasync` in the thread pool); tests hold it open too. */
  syncDatabase?: SyncFile;
  /**
   * Syncs the WAL on the event loop (see `syncOnTheEventLoop`): for an event store in a process of its own
   * (`npm run eventstore`). Embedded beside an app (`npm start`, the demo's seeding, tests) the thread pool's
   * sync leaves the event loop to the app meanwhile.
   */
  syncOnEventLoop?: boolean;
  /** How many of the latest event ids idempotency remembers (default COMMITTED_IDS); tests make it small. */
  committedIds?: number;
  /**
   * The real server's request timeouts (its `PrepareTimeoutMs` and `CommitTimeoutMs`), counted from a write's
   * submission and checked, as there, on a tick every second: a write not yet committed by the earlier of the
   * two is dropped unwritten, one committed but not yet synced by the commit timeout stays written; both are
   * answered `timeout`, which clients take as an unknown outcome (a retry by event id is idempotent). None by
   * default (the real server's is 2 s each): a slow disk makes a write late, not unknown.
   */
  prepareTimeoutMs?: number;
  commitTimeoutMs?: number;
  /** How often those timeouts are checked (default TIMEOUT_TICK_MS); tests make it short. */
  timeoutTickMs?: number;
}

/** True when a comma-separated list of positions strictly grows (forwards) or falls. */
function inOrder(positions: string, forwards: boolean): boolean {
  const list = positions.split(',');
  for (let i = 1; i < list.length; i++) {
    const [a, b] = [Number(list[i - 1]), Number(list[i])];
    if (forwards ? b <= a : b >= a) return false;
  }
  return true;
}

/** Consecutive events of `$all` as their gRPC messages, end to end. */
export interface FramedPage {
  readonly events: number;
  /** Position of the last event (the start position when empty). */
  readonly last: number;
  readonly bytes: Buffer;
}

/** A queued write: answered after the group commit that holds it, in arrival order. */
interface QueuedWrite {
  readonly run: () => WriteOutcome;
  /** Epoch ms; a write whose deadline passed before its commit is not written. */
  readonly deadline: number;
  /** True once the client gave up on the call: not written, answered as past its deadline. */
  readonly cancelled: () => boolean;
  readonly resolve: (outcome: QueuedOutcome) => void;
  readonly reject: (error: unknown) => void;
  /** Epoch ms of the submission, for the request timeouts. */
  readonly submitted: number;
}

export type QueuedOutcome =
  | WriteOutcome
  | { readonly status: 'deadline-exceeded' }
  /** Past a request timeout (`prepareTimeoutMs`, `commitTimeoutMs`): written or not, the writer cannot know. */
  | { readonly status: 'timeout' };

/** A WAL sync failed: what it covered may be lost, so the log takes no more writes until a restart. */
export class WalSyncError extends Error {
  constructor(cause: unknown) {
    super(`the event log could not be synced to disk (${String(cause)}); restart the event store`, { cause });
    this.name = 'WalSyncError';
  }
}

/** Another process holds the log's lock (SQLITE_BUSY once the wait ran out). */
export class LogLockedError extends Error {
  constructor(readonly file: string) {
    super(`${file} is locked by another process`);
    this.name = 'LogLockedError';
  }
}

interface StreamState {
  lastRevision: number; // -1: no events
  lastPosition: number;
  tombstoned: boolean;
}

/** Fixed per-record overhead of the synthetic byte offset, so positions grow even for empty events. */
const RECORD_OVERHEAD = 64;
/** The first record sits past a notional log header, so position 0 never names an event. */
const LOG_START = 128;
const CACHE_LIMIT = 50_000;

/**
 * The WAL's sync on the event loop, as SQLite's FULL would do it inside the commit, for an event store in a
 * process of its own. Blocking for the sync (0.1–0.3 ms on an SSD) leaves the writers' requests in their
 * sockets, to be the next group, with no handoff to the thread pool: 16 writers through the client at
 * 0.83–0.89 of the NORMAL mode, against 0.65–0.71 in the thread pool with a wait for the writers to gather
 * into one group (paired runs on one machine, 2026-12-07). Embedded in an app's process the block would stop
 * the app too: the demo's seeding, whose client shares the event store's event loop, took 1.2–1.6 times as long.
 */
function syncOnTheEventLoop(fd: number, done: SyncDone): void {
  try {
    fdatasyncSync(fd);
  } catch (error) {
    return done(error as NodeJS.ErrnoException);
  }
  done(null);
}
/**
 * Durable mode: the WAL is copied into the database (checkpointed) once it holds this many frames (pages, 4 MiB
 * at 4 KiB), after a group's sync (see `checkpointAfterSync`). The copy holds the event loop and the next
 * commit waits for the database's sync, so the checkpoint is the tail of the append latency: at 4,000 frames
 * (5–7 ms of copy, 5–6 ms of sync) open-loop appends at 1,500/s had a p99.9 of 14–21 ms, at 1,000 frames 9–17 ms
 * (p99 6.5–11.3 against 5.4–7.6 ms, six pairs). Pages written again between two checkpoints are copied more
 * often: 7 % more CPU per append in the log alone, no change in the rate through the client (2026-12-07).
 */
const CHECKPOINT_FRAMES = 1000;
/** How often the request timeouts are checked: the real server's request manager ticks once a second. */
const TIMEOUT_TICK_MS = 1_000;
/**
 * Event ids remembered for the idempotency of `any` writes: the real server keeps 8 MiB of them, each
 * counted as 28 bytes plus twice its stream name's length, about this many for the tracker's stream names.
 */
const COMMITTED_IDS = 100_000;
/**
 * Of those, how many are read back from the log at a start (the real server starts with none): enough for
 * a client retrying across a restart; reading all COMMITTED_IDS rows took 0.45 s at a million events.
 */
const RELOADED_IDS = 10_000;
/** Metastreams keep only their latest `$metadata` event visible, as on the real server. */
const METASTREAM_METADATA: StreamMetadata = { maxCount: 1, softDeleted: false };

const COLUMNS = 'pos, stream, revision, id, type, content_type, created, data, metadata';

type EventRow = [number, string, number, string, string, string, number, Buffer, Buffer];

/** A few streams' events in `$all` order (see `sparseStreams`). */
export interface SparseStreams {
  /** Up to `limit` of their events from `position` (inclusive), in `$all` order. */
  readFrom(position: number, limit: number): StoredEvent[];
}

/** Rows come back as arrays (about twice as fast as better-sqlite3's named objects) and get one fixed shape. */
const toEvent = (row: EventRow): StoredEvent => ({
  position: row[0],
  stream: row[1],
  revision: row[2],
  id: row[3],
  type: row[4],
  contentType: row[5],
  created: row[6],
  data: row[7],
  metadata: row[8],
});
const toEvents = (rows: unknown[]): StoredEvent[] => (rows as EventRow[]).map(toEvent);

const defaultNowMicros = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

const SETTINGS_STREAM = '$settings';

export const isMetastream = (stream: string): boolean => stream.startsWith('$$');
export const metastreamOf = (stream: string): string => `$$${stream}`;

/**
 * The event log over SQLite: one table of events keyed by their position (a synthetic byte offset,
 * commit = prepare), unique per (stream, revision); the latest event ids are remembered in memory for
 * idempotency (`CommittedIds`).
 * Clients' writes go through `submit` (a group commit: one transaction and one WAL sync for every write queued
 * while the previous group was committed and synced, each in its own savepoint); the direct methods are one
 * transaction each. Reads are paged by the callers, after `whenDurable`.
 */
export class SqliteEventLog {
  readonly signal = new CommitSignal();
  private readonly db: Database.Database;
  private readonly nowMicros: () => number;
  private nextPosition = LOG_START;
  private readonly states = new Map<string, StreamState>();
  private readonly metadataCache = new Map<string, StreamMetadata>();
  private settings: SystemSettings | undefined;
  private readonly stmt: ReturnType<SqliteEventLog['prepare']>;
  private readonly transaction: <T>(fn: () => T) => T;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private transactionCount = 0;
  /** On disk in `full` mode: every commit is synced before it is answered or read. */
  private readonly durable: boolean;
  private readonly walFile: string;
  private walFd: number | undefined;
  private readonly dbFile: string;
  /** The database file, opened for syncing after a checkpoint (durable mode). */
  private dbFd: number | undefined;
  /** True while a checkpoint's database sync runs: until it returns, the WAL must not be restarted. */
  private checkpointSyncing = false;
  private readonly syncDatabase: SyncFile;
  private readonly syncWal: SyncFile;
  /** The committed group whose WAL sync is running (durable mode); at most one at a time. */
  private syncing: { readonly answer: (error: unknown) => void; readonly group: QueuedWrite[] } | undefined;
  private syncsRunning = 0;
  /** Set once a sync failed: no more writes. */
  private syncFailure: WalSyncError | undefined;
  private durableWaiters: (() => void)[] = [];
  private readonly prefixRead: StreamPrefixRead;
  private readonly committedIds: CommittedIds;
  private readonly prepareTimeoutMs: number;
  private readonly commitTimeoutMs: number;
  private readonly timeoutTick: NodeJS.Timeout | undefined;

  constructor(options: SqliteEventLogOptions = {}) {
    this.nowMicros = options.nowMicros ?? defaultNowMicros;
    let file = ':memory:';
    if (!options.memory) {
      const dir = options.dataDir ?? './data/eventstore';
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'events.sqlite');
    }
    this.db = new Database(file, { timeout: options.lockTimeoutMs ?? 2_000 });
    if (!options.memory) {
      try {
        // The owner holds an exclusive lock for as long as it lives: the kernel drops it when the process
        // dies, however it dies, so a crash never leaves the directory claimed. No -shm file either.
        this.db.pragma('locking_mode = EXCLUSIVE');
        this.db.pragma('journal_mode = WAL');
        this.db.exec('BEGIN IMMEDIATE; COMMIT');
      } catch (error) {
        this.db.close();
        if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new LogLockedError(file);
        throw error;
      }
      // NORMAL syncs the WAL before each checkpoint and the database after it, and never at a commit. In
      // `full` mode the WAL is also synced after every group commit (fdatasync, what SQLite's FULL does on
      // Linux), and writes are answered only after it: the same guarantee as synchronous = FULL (a real node
      // flushes before it answers). The sync runs in the thread pool, or on the event loop in a process of its
      // own (`syncOnEventLoop`); appends that arrive meanwhile form the next group, and nothing reads an
      // unsynced commit. An automatic checkpoint inside a later commit cannot lose a group whose sync is
      // still running: it syncs the WAL (that group included) before copying it into the database, and syncs
      // the database before the WAL is reused; with the exclusive lock the WAL file itself is never deleted
      // while the log is open.
      this.db.pragma('synchronous = NORMAL');
    }
    this.durable = !options.memory && options.synchronous !== 'normal';
    this.dbFile = file;
    this.walFile = `${file}-wal`;
    const syncWal = options.syncWal ?? (options.syncOnEventLoop ? syncOnTheEventLoop : fdatasync);
    this.syncDatabase = options.syncDatabase ?? fdatasync;
    this.syncWal = !this.durable
      ? syncWal
      : (fd, done) => syncWal(fd, (error) => this.checkpointAfterSync(fd, error, done));
    // SQLite's own checkpoint stays, further out, for writes made outside the group commit (tools, seeding).
    if (this.durable) this.db.pragma(`wal_autocheckpoint = ${2 * CHECKPOINT_FRAMES}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        pos INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        revision INTEGER NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        content_type TEXT NOT NULL,
        created INTEGER NOT NULL,
        data BLOB NOT NULL,
        metadata BLOB NOT NULL,
        wire BLOB
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream, revision);
      DROP INDEX IF EXISTS events_by_id;
    `);
    // Logs written before `wire` existed get the column; their older rows are encoded when read.
    if (!(this.db.pragma('table_info(events)') as { name: string }[]).some((c) => c.name === 'wire')) {
      this.db.exec('ALTER TABLE events ADD COLUMN wire BLOB');
    }
    this.stmt = this.prepare();
    this.prefixRead = new StreamPrefixRead(this.db, COLUMNS);
    const transaction = this.db.transaction((fn: () => unknown) => fn());
    this.transaction = <T>(fn: () => T) => transaction(fn) as T;
    this.committedIds = new CommittedIds(options.committedIds ?? COMMITTED_IDS);
    // What a start and a failed transaction both take from the log: its end and the latest ids.
    this.resetCaches();
    if (this.nextPosition === LOG_START) this.seedSystemEvents();
    this.commitTimeoutMs = options.commitTimeoutMs ?? Infinity;
    this.prepareTimeoutMs = Math.min(options.prepareTimeoutMs ?? Infinity, this.commitTimeoutMs);
    if (Number.isFinite(this.prepareTimeoutMs)) {
      this.timeoutTick = setInterval(
        () => this.timeOut(Date.now()),
        options.timeoutTickMs ?? TIMEOUT_TICK_MS,
      );
      this.timeoutTick.unref();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      logEnd: db.prepare(`SELECT pos + ${RECORD_OVERHEAD} + length(data) + length(metadata) AS end
        FROM events ORDER BY pos DESC LIMIT 1`),
      insert: db.prepare(`INSERT INTO events
        (pos, stream, revision, id, type, content_type, created, data, metadata, wire)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      lastOfStream: db.prepare(`SELECT revision, pos FROM events
        WHERE stream = ? AND revision >= 0 ORDER BY revision DESC LIMIT 1`),
      tombstoneOf: db.prepare(`SELECT pos FROM events WHERE stream = ? AND revision = ${TOMBSTONE_REVISION}`),
      latestIds: db
        .prepare('SELECT id, stream, revision, pos FROM events WHERE revision >= 0 ORDER BY pos DESC LIMIT ?')
        .raw(true),
      idsFrom: db.prepare(`SELECT id, revision, pos FROM events
        WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision`),
      lastDataOf: db.prepare(`SELECT data FROM events
        WHERE stream = ? AND revision >= 0 ORDER BY revision DESC LIMIT 1`),
      streamForward: db
        .prepare(
          `SELECT ${COLUMNS} FROM events
           WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision LIMIT ?`,
        )
        .raw(true),
      streamBackward: db
        .prepare(
          `SELECT ${COLUMNS} FROM events
           WHERE stream = ? AND revision >= ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(true),
      allForward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE pos >= ? ORDER BY pos LIMIT ?`).raw(true),
      allBackward: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE pos < ? ORDER BY pos DESC LIMIT ?`)
        .raw(true),
      // A page's stored messages as one blob (the text concatenation keeps the bytes as they are). The
      // aggregates take the rows in the order the subquery yields them; an ORDER BY inside the aggregate
      // would sort them again (2.6 times slower), so `order` lists the positions in the order the bytes
      // were joined, and `readAllFramed` checks it.
      allForwardFramed: db.prepare(`SELECT count(*) AS events, count(wire) AS framed, max(pos) AS last,
        group_concat(pos) AS "order", CAST(group_concat(wire, '') AS BLOB) AS bytes
        FROM (SELECT pos, wire FROM events WHERE pos >= ? ORDER BY pos LIMIT ?)`),
      allBackwardFramed: db.prepare(`SELECT count(*) AS events, count(wire) AS framed, min(pos) AS last,
        group_concat(pos) AS "order", CAST(group_concat(wire, '') AS BLOB) AS bytes
        FROM (SELECT pos, wire FROM events WHERE pos < ? ORDER BY pos DESC LIMIT ?)`),
      lastPosition: db.prepare('SELECT pos FROM events ORDER BY pos DESC LIMIT 1'),
    };
  }

  /** Position one past the last record: what `$all` from END means. */
  get endPosition(): number {
    return this.nextPosition;
  }

  /** The position of the last record, or 0 on an empty log. */
  get lastPosition(): number {
    const row = this.stmt.lastPosition.get() as { pos: number } | undefined;
    return row?.pos ?? 0;
  }

  get closed(): boolean {
    return !this.db.open;
  }

  /** Write transactions committed so far (a group commit counts once). */
  get transactions(): number {
    return this.transactionCount;
  }

  close(): void {
    clearInterval(this.timeoutTick);
    this.signal.close();
    // The last commits below may restart the WAL: a checkpoint's copy must be on disk first.
    if (this.checkpointSyncing && this.dbFd !== undefined) fdatasyncSync(this.dbFd);
    if (this.db.open) this.flush(true);
    if (this.db.open) this.db.close();
    // A sync still running in the thread pool keeps the descriptor until it returns.
    if (this.syncsRunning === 0) this.closeWal();
    this.releaseReaders();
  }

  private closeWal(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
    if (this.dbFd !== undefined) closeSync(this.dbFd);
    this.dbFd = undefined;
  }

  /**
   * Resolves once nothing committed is still unsynced (undefined when that is already so). Every read waits
   * for it, so nothing is read that a power cut could still take back; the next group commits only after
   * the waiters ran, so what they then read synchronously is all durable.
   */
  whenDurable(): Promise<void> | undefined {
    if (!this.syncing) return undefined;
    return new Promise<void>((resolve) => this.durableWaiters.push(resolve));
  }

  private releaseReaders(): void {
    const waiters = this.durableWaiters;
    this.durableWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The WAL, opened for syncing once it exists; its directory entry is synced once too. */
  private walDescriptor(): number {
    if (this.walFd === undefined) {
      this.walFd = openSync(this.walFile, 'r+');
      const dir = openSync(dirname(this.walFile), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.walFd;
  }

  // ---------------------------------------------------------------- group commit

  /**
   * Queues a write (`append`, `delete`, `tombstone` bound to their arguments) for the next group commit.
   * Everything queued while the previous group was committed and synced goes into one transaction at the end
   * of the event loop's turn: one sync for the lot, each write still checked and answered on its own, in
   * arrival order.
   */
  submit(run: () => WriteOutcome, deadline = Infinity, cancelled = () => false): Promise<QueuedOutcome> {
    if (!this.db.open) return Promise.reject(new Error('the event log is closed'));
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise<QueuedOutcome>((resolve, reject) => {
      this.queue.push({ run, deadline, cancelled, resolve, reject, submitted: Date.now() });
      this.scheduleFlush();
    });
  }

  /**
   * The request timeouts' tick: queued writes past the prepare timeout leave the queue unwritten; writes of the
   * group whose sync runs, past the commit timeout, are answered now (they stay written, and their later answer
   * is a no-op: a promise settles once).
   */
  private timeOut(now: number): void {
    if (this.queue.some((write) => now - write.submitted >= this.prepareTimeoutMs)) {
      const queued = this.queue;
      this.queue = [];
      for (const write of queued) {
        if (now - write.submitted >= this.prepareTimeoutMs) write.resolve({ status: 'timeout' });
        else this.queue.push(write);
      }
    }
    for (const write of this.syncing?.group ?? []) {
      if (now - write.submitted >= this.commitTimeoutMs) write.resolve({ status: 'timeout' });
    }
  }

  private scheduleFlush(): void {
    // While a sync runs (in the thread pool: embedded, or a checkpoint's), its end commits the queue (`synced`,
    // `checkpointAfterSync`).
    if (this.flushScheduled || this.syncing || this.checkpointSyncing) return;
    this.flushScheduled = true;
    // After the I/O phase: requests read from the sockets in this turn join the same commit.
    setImmediate(() => this.flush(false));
  }

  /**
   * Commits the queued writes as one transaction, then (durable mode) syncs the WAL before answering them.
   * One sync at a time: under load a group is whatever arrived while the previous one was committed and
   * synced, so the groups grow with the load and the syncs do not multiply with the writers.
   */
  private flush(closing: boolean): void {
    this.flushScheduled = false;
    if (this.syncing && !closing) return;
    const group = this.queue;
    this.queue = [];
    const answer = group.length > 0 ? this.commit(group) : undefined;
    if (!this.durable || !this.db.open) return answer?.(undefined);
    if (closing) {
      const earlier = this.syncing;
      this.syncing = undefined;
      if (answer || earlier) fdatasyncSync(this.walDescriptor());
      earlier?.answer(undefined);
      return answer?.(undefined);
    }
    if (!answer) return;
    const syncing = { answer, group };
    this.syncing = syncing;
    this.syncsRunning++;
    this.syncWal(this.walDescriptor(), (error) => {
      if (this.syncReturned()) this.synced(syncing, error);
    });
  }

  /**
   * One transaction for the group, each write in a savepoint of its own. Returns the function that answers
   * each write (with the sync's error, if any), or undefined when the transaction failed as a whole (every
   * write is then rejected already).
   */
  private commit(group: QueuedWrite[]): ((syncError: unknown) => void) | undefined {
    const outcomes: (QueuedOutcome | { error: unknown })[] = [];
    try {
      this.transaction(() => {
        const now = Date.now();
        for (const write of group) {
          if (write.deadline <= now || write.cancelled()) {
            outcomes.push({ status: 'deadline-exceeded' });
            continue;
          }
          try {
            // A savepoint of its own: a failing write rolls back alone.
            outcomes.push(this.write(write.run));
          } catch (error) {
            outcomes.push({ error });
          }
        }
      });
      this.transactionCount++;
    } catch (error) {
      this.resetCaches();
      for (const write of group) write.reject(error);
      return undefined;
    }
    return (syncError: unknown) => {
      for (let i = 0; i < group.length; i++) {
        const outcome = outcomes[i];
        if (syncError) group[i].reject(syncError);
        else if ('error' in outcome) group[i].reject(outcome.error);
        else group[i].resolve(outcome);
      }
    };
  }

  /** The running sync returned: its group is on disk (or, on an error, maybe not: no more writes then). */
  private synced(
    syncing: { readonly answer: (error: unknown) => void; readonly group: readonly QueuedWrite[] },
    error: unknown,
  ): void {
    if (this.syncing !== syncing) return; // closed meanwhile: answered at close
    // The timeouts' tick cannot run while a commit and its sync hold the event loop: what it would have found
    // past the timeouts by now is answered so here.
    if (this.timeoutTick) this.timeOut(Date.now());
    this.syncing = undefined;
    if (error) {
      this.stopWrites(error);
      syncing.answer(this.syncFailure);
      return this.releaseReaders();
    }
    // Readers go first: they read as soon as they are released, and must see only synced commits; the
    // next group commits in a later turn, after them.
    this.releaseReaders();
    syncing.answer(undefined);
    if (this.queue.length > 0) this.scheduleFlush();
  }

  /**
   * A sync counted in `syncsRunning` returned. Whether the log is still open: once closed, the last sync to
   * return closes the descriptors it kept.
   */
  private syncReturned(): boolean {
    this.syncsRunning--;
    if (this.db.open) return true;
    if (this.syncsRunning === 0) this.closeWal();
    return false;
  }

  /** A sync failed: what it covered may not be on disk, so the log takes no more writes (queued ones fail). */
  private stopWrites(error: unknown): void {
    this.syncFailure ??= new WalSyncError(error);
    for (const write of this.queue.splice(0)) write.reject(this.syncFailure);
  }

  /**
   * After a group's WAL sync (durable mode): once the WAL holds CHECKPOINT_FRAMES frames, copies it into the
   * database and syncs the database in the thread pool. SQLite's own checkpoint runs inside a commit, on the
   * event loop, and syncs the WAL and then the database there: tens of milliseconds on a busy disk during which
   * the event store answers nothing. Here the WAL is synced already, so the copy runs without syncs
   * (synchronous = OFF for it; 1.1–2.8 ms for 1,000 frames), and the group is answered and readers go on while
   * the database's sync runs (another 1.5–3.4 ms): the group is on disk in the WAL, which a power cut meanwhile
   * replays over the database. Only the next commit, which restarts the WAL over the copied frames, waits for
   * that sync, so a power cut never finds the frames overwritten before their pages are on disk.
   */
  private checkpointAfterSync(walFd: number, error: NodeJS.ErrnoException | null, done: SyncDone): void {
    if (error || !this.db.open || !this.walHolds(walFd, CHECKPOINT_FRAMES)) return done(error);
    let dbFd: number;
    try {
      this.db.pragma('synchronous = OFF');
      try {
        this.db.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        this.db.pragma('synchronous = NORMAL');
      }
      dbFd = this.dbFd ??= openSync(this.dbFile, 'r+');
    } catch (checkpointError) {
      // The group is in the synced WAL all the same; the log stops taking writes, as after a failed sync.
      this.stopWrites(checkpointError);
      return done(null);
    }
    this.checkpointSyncing = true;
    this.syncsRunning++;
    this.syncDatabase(dbFd, (syncError) => {
      this.checkpointSyncing = false;
      if (!this.syncReturned()) return;
      if (syncError) this.stopWrites(syncError);
      else if (this.queue.length > 0) this.scheduleFlush();
    });
    // Answered once `checkpointSyncing` is set: the writes queued meanwhile wait for the database's sync.
    done(null);
  }

  /**
   * Whether the WAL holds at least `frames` frames since it was last restarted. In SQLite's WAL format
   * (sqlite.org/fileformat2.html) a 32-byte header (page size at 8, salts at 16..23) is followed by frames of a
   * 24-byte header (salts at 8..15) and a page; a restart writes new salts and the new frames from the start
   * over the old ones, so frame n-1 carries the header's salts exactly when there are n current frames or more:
   * two reads of a few bytes after each group (a bisection for the count took 47 µs, a third to a half of a
   * group's extra CPU over the NORMAL mode).
   */
  private walHolds(fd: number, frames: number): boolean {
    const header = Buffer.alloc(32);
    if (readSync(fd, header, 0, 32, 0) < 32) return false;
    const frame = Buffer.alloc(24);
    return (
      readSync(fd, frame, 0, 24, 32 + (frames - 1) * (24 + header.readUInt32BE(8))) === 24 &&
      frame.readUInt32BE(8) === header.readUInt32BE(16) &&
      frame.readUInt32BE(12) === header.readUInt32BE(20)
    );
  }

  /**
   * A consistent copy of the log in `destination` while it keeps serving: SQLite's online backup, page by
   * page between appends, through this connection (an append made meanwhile is copied too), so the copy is
   * the log as of one commit: every append acknowledged before the call is in it, none half-written.
   */
  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
  }

  // ---------------------------------------------------------------- writes

  append(stream: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): WriteOutcome {
    return this.write((): WriteOutcome => {
      const state = this.state(stream);
      if (state.tombstoned) return { status: 'stream-deleted' };
      // The metadata of a tombstoned stream is as dead as the stream.
      if (isMetastream(stream) && this.state(stream.slice(2)).tombstoned) return { status: 'stream-deleted' };
      const meta = this.metadataOf(stream);
      const check = this.checkExpected(stream, state, meta, expected, events);
      if (check) return check;
      if (events.length === 0) {
        return { status: 'ok', lastRevision: state.lastRevision, position: state.lastPosition };
      }
      const firstRevision = state.lastRevision + 1;
      const created = this.nowMicros();
      let position = 0;
      for (let i = 0; i < events.length; i++) {
        position = this.insert(stream, firstRevision + i, events[i], created);
      }
      const lastRevision = firstRevision + events.length - 1;
      if (meta.softDeleted) this.undelete(stream, firstRevision, created);
      this.committed(stream, lastRevision, position);
      return { status: 'ok', lastRevision, position };
    });
  }

  /** Soft delete: `$tb` = long.MaxValue in the metastream; events stay in `$all`. */
  delete(stream: string, expected: ExpectedRevision): WriteOutcome {
    return this.write((): WriteOutcome => {
      const state = this.state(stream);
      if (state.tombstoned) return { status: 'stream-deleted' };
      const meta = this.metadataOf(stream);
      const metastreamState = this.state(metastreamOf(stream));
      // Current servers refuse to delete, as no_stream or any, what never existed (KurrentDB PR #3154; with any:
      // KurrentDB issue #4637, and the official client's tests expect it).
      const neverExisted = state.lastRevision < 0 && metastreamState.lastRevision < 0;
      if ((expected.kind === 'no_stream' || expected.kind === 'any') && neverExisted) {
        return { status: 'wrong-expected-version', currentRevision: -1 };
      }
      const check = this.checkExpected(stream, state, meta, expected, []);
      if (check) return check;
      const position = this.writeMetadata(stream, SOFT_DELETED_TB, this.nowMicros());
      return { status: 'ok', lastRevision: state.lastRevision, position };
    });
  }

  /** Hard delete: a `$streamDeleted` record; the stream is gone for good. */
  tombstone(stream: string, expected: ExpectedRevision): WriteOutcome {
    return this.write((): WriteOutcome => {
      const state = this.state(stream);
      if (state.tombstoned) return { status: 'stream-deleted' };
      const check = this.checkExpected(stream, state, this.metadataOf(stream), expected, []);
      if (check) return check;
      const position = this.insert(
        stream,
        TOMBSTONE_REVISION,
        {
          id: crypto.randomUUID(),
          type: '$streamDeleted',
          contentType: 'application/octet-stream',
          data: Buffer.alloc(0),
          metadata: Buffer.alloc(0),
        },
        this.nowMicros(),
      );
      this.committed(stream, state.lastRevision, position);
      this.state(stream).tombstoned = true;
      return { status: 'ok', lastRevision: state.lastRevision, position };
    });
  }

  /**
   * One transaction (a savepoint inside a group commit); if it fails the caches may be ahead of the
   * database, so they are rebuilt from what the database now holds.
   */
  private write(fn: () => WriteOutcome): WriteOutcome {
    const outer = !this.db.inTransaction;
    // A direct write may restart the WAL: a checkpoint's copy must be on disk first (see checkpointAfterSync).
    if (outer && this.checkpointSyncing && this.dbFd !== undefined) fdatasyncSync(this.dbFd);
    try {
      const outcome = this.transaction(fn);
      // A direct write (seeding, tools such as the projections bench's generator, tests) outside the group
      // commit is synced by the next group commit's sync or at close, not one by one: only writes answered
      // to a client need to be on disk before their answer.
      if (outer) this.transactionCount++;
      return outcome;
    } catch (error) {
      this.resetCaches();
      throw error;
    }
  }

  private resetCaches(): void {
    this.states.clear();
    this.metadataCache.clear();
    this.settings = undefined;
    const last = this.stmt.logEnd.get() as { end: number } | undefined;
    this.nextPosition = last?.end ?? LOG_START;
    this.loadCommittedIds();
  }

  /**
   * The latest committed event ids, from the log: at the start (a client retrying across a restart still finds
   * its write) and after a failed transaction (which may have put ids that were rolled back).
   */
  private loadCommittedIds(): void {
    const ids = this.committedIds;
    ids.clear();
    const rows = this.stmt.latestIds.all(Math.min(ids.capacity, RELOADED_IDS)) as [
      string,
      string,
      number,
      number,
    ][];
    for (let i = rows.length - 1; i >= 0; i--) {
      const [id, stream, revision, position] = rows[i];
      ids.put(id, { stream, revision, position });
    }
  }

  /**
   * Expected-revision and idempotency rules of esdb.md §4.2/§4.4. Returns an outcome when the write
   * must not happen (conflict or idempotent replay), undefined when it should.
   *
   * As on the real server, `any` and `stream_exists` writes find their ids among the latest COMMITTED_IDS
   * committed events only: a replay later than that is written again.
   */
  private checkExpected(
    stream: string,
    state: StreamState,
    meta: StreamMetadata,
    expected: ExpectedRevision,
    events: readonly ProposedEvent[],
  ): WriteOutcome | undefined {
    const current = state.lastRevision;
    const wev: WriteOutcome = { status: 'wrong-expected-version', currentRevision: current };
    switch (expected.kind) {
      case 'any':
        return this.idempotentById(stream, current, events);
      case 'stream_exists': {
        const exists = current >= 0 || this.state(metastreamOf(stream)).lastRevision >= 0;
        if (!exists || meta.softDeleted) return wev;
        return this.idempotentById(stream, current, events);
      }
      case 'no_stream':
        if (current < 0 || meta.softDeleted) return undefined;
        return this.idempotentByRevision(stream, -1, current, events) ?? wev;
      case 'exact':
        if (expected.revision === current) return undefined;
        if (expected.revision < current && expected.revision >= -1) {
          return this.idempotentByRevision(stream, expected.revision, current, events) ?? wev;
        }
        return wev;
    }
  }

  /** `any`/`stream_exists`: all ids known → idempotent; first unknown → write; else CorruptedIdempotency. */
  private idempotentById(
    stream: string,
    current: number,
    events: readonly ProposedEvent[],
  ): WriteOutcome | undefined {
    if (events.length === 0) return undefined;
    const known = (id: string) => {
      const found = this.committedIds.get(id);
      return found?.stream === stream ? found : undefined;
    };
    let last = known(events[0].id);
    if (!last) return undefined;
    for (let i = 1; i < events.length; i++) {
      last = known(events[i].id);
      if (!last) return { status: 'wrong-expected-version', currentRevision: current };
    }
    return { status: 'ok', lastRevision: last.revision, position: last.position };
  }

  /** Exact revision R below current: idempotent only when the events after R are exactly these ids. */
  private idempotentByRevision(
    stream: string,
    expected: number,
    current: number,
    events: readonly ProposedEvent[],
  ): WriteOutcome | undefined {
    if (events.length === 0 || expected + events.length > current) return undefined;
    const rows = this.stmt.idsFrom.all(stream, expected + 1, expected + events.length) as {
      id: string;
      revision: number;
      pos: number;
    }[];
    if (rows.length !== events.length) return undefined;
    for (let i = 0; i < rows.length; i++) if (rows[i].id !== events[i].id) return undefined;
    const last = rows[rows.length - 1];
    return { status: 'ok', lastRevision: last.revision, position: last.pos };
  }

  private insert(stream: string, revision: number, event: ProposedEvent, created: number): number {
    const position = this.nextPosition;
    const { id, type, contentType, data, metadata } = event;
    const stored: StoredEvent = {
      position,
      stream,
      revision,
      id,
      type,
      contentType,
      created,
      data,
      metadata,
    };
    this.stmt.insert.run(
      position,
      stream,
      revision,
      id,
      type,
      contentType,
      created,
      data,
      metadata,
      framedReadResp(stored),
    );
    if (revision >= 0) this.committedIds.put(id, { stream, revision, position });
    this.nextPosition = position + RECORD_OVERHEAD + event.data.length + event.metadata.length;
    return position;
  }

  /** Writes a `$metadata` event to the metastream with `$tb` replaced, keeping the other keys. */
  private writeMetadata(stream: string, tb: string, created: number): number {
    const metastream = metastreamOf(stream);
    const mstate = this.state(metastream);
    const previous = this.stmt.lastDataOf.get(metastream) as { data: Buffer } | undefined;
    const revision = mstate.lastRevision + 1;
    const position = this.insert(
      metastream,
      revision,
      {
        id: crypto.randomUUID(),
        type: '$metadata',
        contentType: 'application/json',
        data: withTruncateBefore(previous?.data, tb),
        metadata: Buffer.alloc(0),
      },
      created,
    );
    this.committed(metastream, revision, position);
    return position;
  }

  /** Appending to a soft-deleted stream revives it: `$tb` moves to the first new revision. */
  private undelete(stream: string, firstRevision: number, created: number): void {
    this.writeMetadata(stream, String(firstRevision), created);
  }

  /** Updates caches for a write inside the current transaction (`write` drops them on failure). */
  private committed(stream: string, lastRevision: number, position: number): void {
    const state = this.state(stream);
    state.lastRevision = lastRevision;
    state.lastPosition = position;
    if (isMetastream(stream)) this.metadataCache.delete(stream.slice(2));
    if (stream === SETTINGS_STREAM) this.settings = undefined;
    this.signal.notify(stream);
  }

  // ---------------------------------------------------------------- state

  private state(stream: string): StreamState {
    let state = this.states.get(stream);
    if (!state) {
      const last = this.stmt.lastOfStream.get(stream) as { revision: number; pos: number } | undefined;
      const tomb = this.stmt.tombstoneOf.get(stream) as { pos: number } | undefined;
      state = {
        lastRevision: last?.revision ?? -1,
        lastPosition: Math.max(last?.pos ?? 0, tomb?.pos ?? 0),
        tombstoned: tomb !== undefined,
      };
      if (this.states.size >= CACHE_LIMIT) this.states.delete(this.states.keys().next().value as string);
      this.states.set(stream, state);
    }
    return state;
  }

  /** Read-time constraints of a stream, from the latest event of its metastream. */
  metadataOf(stream: string): StreamMetadata {
    if (isMetastream(stream)) return METASTREAM_METADATA;
    let meta = this.metadataCache.get(stream);
    if (!meta) {
      const row = this.stmt.lastDataOf.get(metastreamOf(stream)) as { data: Buffer } | undefined;
      meta = row ? parseStreamMetadata(row.data) : NO_METADATA;
      if (this.metadataCache.size >= CACHE_LIMIT) {
        this.metadataCache.delete(this.metadataCache.keys().next().value as string);
      }
      this.metadataCache.set(stream, meta);
    }
    return meta;
  }

  /** The default ACLs from the latest `$settings` event. */
  systemSettings(): SystemSettings {
    this.settings ??= parseSystemSettings(
      (this.stmt.lastDataOf.get(SETTINGS_STREAM) as { data: Buffer } | undefined)?.data,
    );
    return this.settings;
  }

  /** Last revision of a stream (-1 when it has no events) and whether it is tombstoned. */
  streamInfo(stream: string): { lastRevision: number; tombstoned: boolean } {
    const state = this.state(stream);
    return { lastRevision: state.lastRevision, tombstoned: state.tombstoned };
  }

  // ---------------------------------------------------------------- reads

  /**
   * One page of a stream, `$tb`/`$maxCount`/`$maxAge` applied. `from` is inclusive; forwards it is the
   * lowest revision wanted, backwards the highest.
   */
  readStream(stream: string, from: number, forwards: boolean, limit: number): StreamReadOutcome {
    const state = this.state(stream);
    if (state.tombstoned) return { status: 'stream-deleted' };
    if (state.lastRevision < 0) return { status: 'not-found' };
    const meta = this.metadataOf(stream);
    if (meta.softDeleted) return { status: 'not-found' };
    const min = this.firstVisibleRevision(state, meta);
    let events: StoredEvent[];
    let next: number;
    if (forwards) {
      const start = Math.max(from, min);
      events = toEvents(this.stmt.streamForward.all(stream, start, state.lastRevision, limit));
      next = events.length > 0 ? events[events.length - 1].revision + 1 : start;
    } else {
      const top = Math.min(from, state.lastRevision);
      events = top < min ? [] : toEvents(this.stmt.streamBackward.all(stream, min, top, limit));
      next = events.length > 0 ? events[events.length - 1].revision - 1 : -1;
    }
    const exhausted = events.length < limit;
    if (meta.maxAge !== undefined) {
      const cutoff = this.nowMicros() - meta.maxAge * 1_000_000;
      events = events.filter((e) => e.created >= cutoff);
    }
    return { status: 'ok', events, exhausted, next };
  }

  /** The event a `$>` link (`<revision>@<stream>`) points to, if it is still visible. */
  linkTarget(link: StoredEvent): StoredEvent | undefined {
    const match = /^(\d+)@(.+)$/s.exec(link.data.toString('utf8'));
    if (!match) return undefined;
    const revision = Number(match[1]);
    const page = this.readStream(match[2], revision, true, 1);
    const target = page.status === 'ok' ? page.events[0] : undefined;
    return target?.revision === revision ? target : undefined;
  }

  private firstVisibleRevision(state: StreamState, meta: StreamMetadata): number {
    let min = 0;
    if (meta.truncateBefore !== undefined) min = Math.max(min, meta.truncateBefore);
    if (meta.maxCount !== undefined) min = Math.max(min, state.lastRevision - meta.maxCount + 1);
    return min;
  }

  /** One page of `$all`: forwards from `position` inclusive, backwards strictly before it. */
  readAll(position: number, forwards: boolean, limit: number): StoredEvent[] {
    return toEvents((forwards ? this.stmt.allForward : this.stmt.allBackward).all(position, limit));
  }

  /**
   * The same page as the stored gRPC messages of its events (framed ReadResp, ids as strings), end to end
   * in one buffer: no row objects, no encoding. `last`: the position of its last event. Rows written before
   * the log kept messages are encoded here.
   */
  readAllFramed(position: number, forwards: boolean, limit: number): FramedPage {
    const page = (forwards ? this.stmt.allForwardFramed : this.stmt.allBackwardFramed).get(
      position,
      limit,
    ) as {
      events: number;
      framed: number;
      last: number | null;
      order: string | null;
      bytes: Buffer | null;
    };
    if (page.events === 0) return { events: 0, last: position, bytes: Buffer.alloc(0) };
    if (page.framed < page.events || !inOrder(page.order!, forwards)) {
      const events = this.readAll(position, forwards, limit);
      return { events: events.length, last: page.last!, bytes: Buffer.concat(events.map(framedReadResp)) };
    }
    return { events: page.events, last: page.last!, bytes: page.bytes! };
  }

  /**
   * The events of streams starting with one of `prefixes`, through the stream index, when they hold at
   * most `cap` events in all; undefined otherwise (or for prefixes the index cannot range over): the caller
   * then scans `$all`.
   */
  sparseStreams(prefixes: readonly string[], cap: number): SparseStreams | undefined {
    const ranges = StreamPrefixRead.ranges(prefixes);
    if (!ranges || this.prefixRead.count(ranges, cap) > cap) return undefined;
    return {
      readFrom: (position, limit) => toEvents(this.prefixRead.page(ranges, position, limit)),
    };
  }

  // ---------------------------------------------------------------- seed

  /** A real node's `$all` is never empty: a fresh store gets a few system records as a node writes them. */
  private seedSystemEvents(): void {
    const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
    const system = (type: string, data: Buffer): ProposedEvent => ({
      id: crypto.randomUUID(),
      type,
      contentType: 'application/json',
      data,
      metadata: Buffer.alloc(0),
    });
    this.append('$epoch-information', { kind: 'any' }, [
      system('$epoch-information', json({ epochNumber: 0, epochPosition: 0, epochId: crypto.randomUUID() })),
    ]);
    this.append('$users', { kind: 'any' }, [system('$User', Buffer.from('admin', 'utf8'))]);
    this.append('$user-admin', { kind: 'any' }, [
      system(
        '$UserCreated',
        json({ loginName: 'admin', fullName: 'Event Store Administrator', groups: ['$admins'] }),
      ),
    ]);
    this.append('$settings', { kind: 'any' }, [
      system(
        '$settings',
        json({
          $userStreamAcl: { $r: '$all', $w: '$all', $d: '$all', $mr: '$all', $mw: '$all' },
          $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' },
        }),
      ),
    ]);
  }
}
