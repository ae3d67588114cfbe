import Database from 'better-sqlite3';

/** The log's SQLite file in a data directory (SqliteEventLog). */
export const LOG_FILE = 'events.sqlite';

export type LogFileSummary = Readonly<{
  /** Records in the log (system events included). */
  events: number;
  /** Position of the last record, 0 when empty. */
  lastPosition: number;
  /** The data of the last event of `lastEventOf`, parsed as JSON, when asked and present. */
  lastEvent?: { type: string; data: unknown };
}>;

/**
 * Makes a fresh copy one self-contained file: the copy of a WAL-mode log is in WAL mode too, and any reader
 * would leave -wal and -shm files beside it. The log's own server switches a restored copy back to WAL.
 */
export function settleCopy(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/**
 * Reads a copy of the log (a backup) without writing to it: SQLite's own integrity check, then how many
 * records it holds and where it ends. Throws when the file is not a sound event log.
 */
export function describeLogFile(file: string, options: { lastEventOf?: string } = {}): LogFileSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file}: SQLite integrity check failed: ${String(check)}`);
    const { events, last } = db.prepare('SELECT count(*) AS events, max(pos) AS last FROM events').get() as {
      events: number;
      last: number | null;
    };
    let lastEvent: LogFileSummary['lastEvent'];
    if (options.lastEventOf) {
      const row = db
        .prepare(
          'SELECT type, data FROM events WHERE stream = ? AND revision >= 0 ORDER BY revision DESC LIMIT 1',
        )
        .get(options.lastEventOf) as { type: string; data: Buffer } | undefined;
      if (row) lastEvent = { type: row.type, data: JSON.parse(row.data.toString('utf8')) as unknown };
    }
    return { events, lastPosition: last ?? 0, ...(lastEvent ? { lastEvent } : {}) };
  } finally {
    db.close();
  }
}
