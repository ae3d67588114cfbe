import { randomUUID } from 'node:crypto';
import { ExpectedRevision, ProposedEvent, StoredEvent, TOMBSTONE_REVISION } from './event-log.types';
import { framedReadResp } from '../grpc/event-encoder';
import { SqliteEventLog } from './sqlite-event-log';

const ANY: ExpectedRevision = { kind: 'any' };
const NO_STREAM: ExpectedRevision = { kind: 'no_stream' };
const STREAM_EXISTS: ExpectedRevision = { kind: 'stream_exists' };
const exact = (revision: number): ExpectedRevision => ({ kind: 'exact', revision });

const proposed = (id = randomUUID(), type = 'Happened'): ProposedEvent => ({
  id,
  type,
  contentType: 'application/json',
  data: Buffer.from('{"x":1}'),
  metadata: Buffer.alloc(0),
});
const many = (n: number) => Array.from({ length: n }, () => proposed());
const json = (value: unknown): ProposedEvent => ({
  ...proposed(undefined, '$metadata'),
  data: Buffer.from(JSON.stringify(value)),
});

const readAllOf = (log: SqliteEventLog): StoredEvent[] => log.readAll(0, true, 1_000_000);
const revisions = (log: SqliteEventLog, stream: string) => {
  const page = log.readStream(stream, 0, true, 1000);
  return page.status === 'ok' ? page.events.map((e) => e.revision) : page.status;
};

describe('SqliteEventLog', () => {
  let now = 1_764_000_000_000_000;
  let log: SqliteEventLog;
  beforeEach(() => {
    log = new SqliteEventLog({ memory: true, nowMicros: () => now });
  });
  afterEach(() => log.close());

  it('seeds a fresh store with a few system events, as a real node has', () => {
    const all = readAllOf(log);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.stream.startsWith('$') && e.type.startsWith('$'))).toBe(true);
  });

  it('numbers revisions from 0 and returns the last revision and its position; positions strictly grow', () => {
    const first = log.append('s', NO_STREAM, many(3));
    expect(first).toMatchObject({ status: 'ok', lastRevision: 2 });
    const second = log.append('s', exact(2), many(2));
    expect(second).toMatchObject({ status: 'ok', lastRevision: 4 });
    const events = readAllOf(log);
    for (let i = 1; i < events.length; i++)
      expect(events[i].position).toBeGreaterThan(events[i - 1].position);
    expect(events[events.length - 1]).toMatchObject({ stream: 's', revision: 4 });
    expect(second.status === 'ok' && second.position).toBe(events[events.length - 1].position);
  });

  describe('expected revision (esdb.md §4.2)', () => {
    it.each<[string, ExpectedRevision, 'ok' | 'wrong-expected-version']>([
      ['any', ANY, 'ok'],
      ['no_stream', NO_STREAM, 'ok'],
      ['stream_exists', STREAM_EXISTS, 'wrong-expected-version'],
      ['exact 0', exact(0), 'wrong-expected-version'],
    ])('on an absent stream, %s → %s', (_name, expected, status) => {
      expect(log.append('absent', expected, many(1)).status).toBe(status);
    });

    it.each<[string, ExpectedRevision, 'ok' | 'wrong-expected-version']>([
      ['any', ANY, 'ok'],
      ['no_stream', NO_STREAM, 'wrong-expected-version'],
      ['stream_exists', STREAM_EXISTS, 'ok'],
      ['exact = last', exact(1), 'ok'],
      ['exact < last', exact(0), 'wrong-expected-version'],
      ['exact > last', exact(5), 'wrong-expected-version'],
    ])('on a stream at revision 1, %s → %s', (_name, expected, status) => {
      log.append('s', ANY, many(2));
      const outcome = log.append('s', expected, many(1));
      expect(outcome.status).toBe(status);
      if (outcome.status === 'wrong-expected-version') expect(outcome.currentRevision).toBe(1);
    });

    it('counts a stream with only metadata as existing for stream_exists', () => {
      log.append('$$meta-only', ANY, [json({ custom: 1 })]);
      expect(log.append('meta-only', STREAM_EXISTS, many(1))).toMatchObject({
        status: 'ok',
        lastRevision: 0,
      });
    });
  });

  describe('idempotent appends (esdb.md §4.4)', () => {
    it('any: a replay of the same ids is a no-op returning the original revision and position', () => {
      const events = many(3);
      const first = log.append('s', ANY, events);
      log.append('s', ANY, many(1));
      expect(log.append('s', ANY, events)).toEqual(first);
      expect(revisions(log, 's')).toEqual([0, 1, 2, 3]);
    });

    it('any: first id known but a later one not → WEV (CorruptedIdempotency)', () => {
      const events = many(2);
      log.append('s', ANY, events);
      expect(log.append('s', ANY, [events[0], proposed()]).status).toBe('wrong-expected-version');
    });

    it('no_stream / exact below current: idempotent only when the ids after R match', () => {
      const events = many(2);
      const first = log.append('s', NO_STREAM, events);
      expect(log.append('s', NO_STREAM, events)).toEqual(first);
      expect(log.append('s', NO_STREAM, many(2)).status).toBe('wrong-expected-version');
      const more = many(1);
      const third = log.append('s', exact(1), more);
      expect(log.append('s', exact(1), more)).toEqual(third);
      expect(revisions(log, 's')).toEqual([0, 1, 2]);
    });

    it('ids are per stream: the same id in another stream is simply written', () => {
      const event = proposed();
      log.append('a', ANY, [event]);
      expect(log.append('b', ANY, [event])).toMatchObject({ status: 'ok', lastRevision: 0 });
    });

    it('any: only the latest ids are remembered, as on the real server; an older replay is written again', () => {
      const small = new SqliteEventLog({ memory: true, committedIds: 3 });
      try {
        const old = proposed();
        small.append('s', ANY, [old]);
        const recent = many(3);
        const answers = recent.map((e) => small.append('t', ANY, [e]));
        // The three latest are still known, in any order of replay…
        expect(small.append('t', ANY, [recent[0]])).toEqual(answers[0]);
        expect(small.append('t', STREAM_EXISTS, [recent[2]])).toEqual(answers[2]);
        // …the one before them is forgotten.
        expect(small.append('s', ANY, [old])).toMatchObject({ status: 'ok', lastRevision: 1 });
        expect(revisions(small, 's')).toEqual([0, 1]);
      } finally {
        small.close();
      }
    });

    it('an exact revision below the current one is checked against the stream itself, however old', () => {
      const small = new SqliteEventLog({ memory: true, committedIds: 1 });
      try {
        const events = many(2);
        const first = small.append('s', NO_STREAM, events);
        small.append('other', ANY, many(3));
        expect(small.append('s', NO_STREAM, events)).toEqual(first);
      } finally {
        small.close();
      }
    });

    it('an id taken over by another stream is no longer known in the first', () => {
      const event = proposed();
      log.append('a', ANY, [event]);
      log.append('b', ANY, [event]);
      expect(log.append('a', ANY, [event])).toMatchObject({ status: 'ok', lastRevision: 1 });
    });
  });

  describe('soft delete (esdb.md §4.8)', () => {
    it('hides the stream, keeps its events in $all, and a new append continues the revisions', () => {
      log.append('s', ANY, many(3));
      expect(log.delete('s', exact(2)).status).toBe('ok');
      expect(log.readStream('s', 0, true, 10).status).toBe('not-found');
      expect(readAllOf(log).filter((e) => e.stream === 's')).toHaveLength(3);
      expect(log.append('s', NO_STREAM, many(1))).toMatchObject({ status: 'ok', lastRevision: 3 });
      expect(revisions(log, 's')).toEqual([3]);
      const meta = log.readStream('$$s', Number.MAX_SAFE_INTEGER, false, 1);
      expect(meta.status === 'ok' && JSON.parse(meta.events[0].data.toString())).toEqual({ $tb: 3 });
    });

    it('keeps custom metadata keys through delete and undelete', () => {
      log.append('$$s', ANY, [json({ $maxCount: 10, owner: 'x' })]);
      log.append('s', ANY, many(1));
      log.delete('s', ANY);
      log.append('s', ANY, many(1));
      const meta = log.readStream('$$s', Number.MAX_SAFE_INTEGER, false, 1);
      expect(meta.status === 'ok' && JSON.parse(meta.events[0].data.toString())).toEqual({
        $tb: 1,
        $maxCount: 10,
        owner: 'x',
      });
    });

    it('refuses no_stream and any on a stream that never existed, but accepts them on one with only metadata', () => {
      expect(log.delete('never', NO_STREAM).status).toBe('wrong-expected-version');
      expect(log.delete('never', ANY).status).toBe('wrong-expected-version');
      log.append('$$meta', ANY, [json({ a: 1 })]);
      log.append('$$meta2', ANY, [json({ a: 1 })]);
      expect(log.delete('meta', NO_STREAM).status).toBe('ok');
      expect(log.delete('meta2', ANY).status).toBe('ok');
    });
  });

  describe('tombstone (esdb.md §4.8)', () => {
    it('is permanent: reads, appends, deletes and metadata writes all answer stream-deleted', () => {
      log.append('s', ANY, many(2));
      expect(log.tombstone('s', ANY).status).toBe('ok');
      expect(log.readStream('s', 0, true, 10).status).toBe('stream-deleted');
      expect(log.append('s', ANY, many(1)).status).toBe('stream-deleted');
      expect(log.delete('s', ANY).status).toBe('stream-deleted');
      expect(log.tombstone('s', ANY).status).toBe('stream-deleted');
      expect(log.append('$$s', ANY, [json({ $maxCount: 1 })]).status).toBe('stream-deleted');
      const tomb = readAllOf(log).find((e) => e.stream === 's' && e.type === '$streamDeleted');
      expect(tomb?.revision).toBe(TOMBSTONE_REVISION);
    });

    it('checks the expected revision first', () => {
      log.append('s', ANY, many(2));
      expect(log.tombstone('s', exact(0))).toEqual({ status: 'wrong-expected-version', currentRevision: 1 });
    });
  });

  describe('stream metadata enforced at read time (esdb.md §4.7)', () => {
    it('$maxCount keeps the last N, forwards and backwards', () => {
      log.append('s', ANY, many(20));
      log.append('$$s', ANY, [json({ $maxCount: 2 })]);
      expect(revisions(log, 's')).toEqual([18, 19]);
      const back = log.readStream('s', Number.MAX_SAFE_INTEGER, false, 100);
      expect(back.status === 'ok' && back.events.map((e) => e.revision)).toEqual([19, 18]);
    });

    it('$tb hides revisions before it', () => {
      log.append('s', ANY, many(5));
      log.append('$$s', ANY, [json({ $tb: 3 })]);
      expect(revisions(log, 's')).toEqual([3, 4]);
    });

    it('$maxAge (seconds) compares against created', () => {
      log.append('s', ANY, many(2));
      now += 10_000_000;
      log.append('s', ANY, many(1));
      log.append('$$s', ANY, [json({ $maxAge: 5 })]);
      expect(revisions(log, 's')).toEqual([2]);
    });

    it('a metastream shows only its latest metadata event', () => {
      log.append('$$s', ANY, [json({ a: 1 })]);
      log.append('$$s', ANY, [json({ a: 2 })]);
      expect(revisions(log, '$$s')).toEqual([1]);
    });
  });

  it('reads $all forwards from a position inclusively and backwards strictly before it', () => {
    log.append('s', ANY, many(3));
    const all = readAllOf(log);
    const middle = all[all.length - 2].position;
    expect(log.readAll(middle, true, 10)[0].position).toBe(middle);
    expect(log.readAll(middle, false, 10)[0].position).toBe(all[all.length - 3].position);
  });

  it('reads a page of $all as its stored gRPC messages, end to end, both ways', () => {
    log.append('s', ANY, many(5));
    log.tombstone('s', ANY);
    const all = readAllOf(log);
    const forwards = log.readAllFramed(all[1].position, true, 4);
    expect(forwards).toEqual({
      events: 4,
      last: all[4].position,
      bytes: Buffer.concat(all.slice(1, 5).map(framedReadResp)),
    });
    const backwards = log.readAllFramed(all[5].position, false, 3);
    expect(backwards).toEqual({
      events: 3,
      last: all[2].position,
      bytes: Buffer.concat([all[4], all[3], all[2]].map(framedReadResp)),
    });
    expect(log.readAllFramed(log.endPosition, true, 10)).toMatchObject({ events: 0, bytes: Buffer.alloc(0) });
  });

  it('reads a missing stream as not-found', () => {
    expect(log.readStream('nope', 0, true, 10).status).toBe('not-found');
  });

  describe('group commit', () => {
    it('commits writes queued in one turn in one transaction, each checked and answered on its own, in arrival order', async () => {
      log.append('taken', ANY, many(2));
      log.tombstone('dead', ANY);
      const before = log.transactions;
      const outcomes = await Promise.all([
        log.submit(() => log.append('a', NO_STREAM, many(1))),
        log.submit(() => log.append('taken', NO_STREAM, many(1))), // WEV: the stream exists
        log.submit(() => log.append('b', ANY, many(3))),
        log.submit(() => log.append('dead', ANY, many(1))), // deleted
        log.submit(() => log.append('a', exact(0), many(1))), // sees the first write of this group
        log.submit(() => log.append('c', ANY, many(1)), Date.now() - 1), // deadline already passed
        log.submit(() => log.append('a', exact(0), many(1))), // WEV: the fifth write moved it on
      ]);
      expect(log.transactions - before).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual([
        'ok',
        'wrong-expected-version',
        'ok',
        'stream-deleted',
        'ok',
        'deadline-exceeded',
        'wrong-expected-version',
      ]);
      expect(outcomes[1]).toEqual({ status: 'wrong-expected-version', currentRevision: 1 });
      expect(outcomes[6]).toEqual({ status: 'wrong-expected-version', currentRevision: 1 });
      const positions = [outcomes[0], outcomes[2], outcomes[4]].map((o) =>
        o.status === 'ok' ? o.position : -1,
      );
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
      expect(new Set(positions).size).toBe(3);
      expect(revisions(log, 'a')).toEqual([0, 1]);
      expect(revisions(log, 'b')).toEqual([0, 1, 2]);
      expect(revisions(log, 'c')).toBe('not-found');
    });

    it('a write that throws rolls back alone; the others of its group are committed', async () => {
      const results = await Promise.allSettled([
        log.submit(() => log.append('x', ANY, many(2))),
        log.submit(() => {
          log.append('y', ANY, many(1));
          throw new Error('boom');
        }),
        log.submit(() => log.append('x', exact(1), many(1))),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(revisions(log, 'x')).toEqual([0, 1, 2]);
      expect(revisions(log, 'y')).toBe('not-found');
      // Positions stay contiguous after the rolled-back write.
      const next = log.append('z', ANY, many(1));
      expect(next.status === 'ok' && next.position).toBeGreaterThan(
        log.readAll(0, true, 1_000).at(-2)!.position,
      );
    });

    it('writes queued in later turns go into later transactions', async () => {
      const before = log.transactions;
      await log.submit(() => log.append('t', ANY, many(1)));
      await log.submit(() => log.append('t', ANY, many(1)));
      expect(log.transactions - before).toBe(2);
    });
  });
});
