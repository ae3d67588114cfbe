import { jsonEvent } from '@eventstore/db-client';
import { LOG_IDENTITY_STREAM, LogIdentity } from '@tracker/application';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbEventFeed } from '../esdb/esdb-event-feed.adapter';
import { EsdbEventStore } from '../esdb/esdb-event-store.adapter';
import { EventStoreConnection, connectEventStore } from '../esdb/event-store-connection';
import {
  RestoreRefused,
  manifestPath,
  nightlyBackupName,
  pruneBackups,
  restoreBackup,
  takeBackup,
  verifyBackup,
} from './event-log-backup';

jest.setTimeout(60_000);

type Row = { position: bigint; id: string; stream: string; revision: bigint; type: string };

async function readAll(connection: EventStoreConnection): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const r of connection.client.readAll()) {
    const e = r.event;
    if (!e) continue;
    rows.push({
      position: e.position!.commit,
      id: e.id,
      stream: e.streamId,
      revision: e.revision,
      type: e.type,
    });
  }
  return rows;
}

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'backup-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('copies the log while appends run: every acknowledged append is in it, whole, at its position; a restore puts it in place', async () => {
  const dataDir = join(root, 'data');
  const live = await connectEventStore({ dataDir });
  try {
    const originalId = await new LogIdentity(
      new EsdbEventStore(live.client),
      new EsdbEventFeed(live.client),
    ).ensure();
    // Four writers append batches of three events (one transaction each) until told to stop.
    const acked: string[][] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const batch = [0, 1, 2].map((k) =>
          jsonEvent({ id: randomUUID(), type: 'Happened', data: { w, i, k } }),
        );
        await live.client.appendToStream(`s-${w}-${i % 7}`, batch);
        acked.push(batch.map((e) => e.id));
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acked.length < 100) await new Promise((r) => setTimeout(r, 10));
    const before = acked.slice();
    const file = join(root, 'copies', 'b.sqlite');
    const manifest = await takeBackup({ dataDir, file });
    const during = acked.length - before.length;
    stop = true;
    await Promise.all(writers);
    expect(during).toBeGreaterThan(0); // the writers did run while the copy was taken
    expect(manifest).toMatchObject({ logId: originalId, file: 'b.sqlite' });
    expect(JSON.parse(readFileSync(manifestPath(file), 'utf8'))).toEqual(manifest);
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
    const original = await readAll(live);

    // Restore into another directory that has a log of its own: that one is kept aside.
    const otherDir = join(root, 'other');
    await (await connectEventStore({ dataDir: otherDir })).close();
    const restored = await restoreBackup({ dataDir: otherDir, file });
    expect(restored.previousLogId).toBe(originalId);
    expect(restored.logId).not.toBe(originalId);
    expect(existsSync(join(restored.replacedAside!, 'events.sqlite'))).toBe(true);

    const copy = await connectEventStore({ dataDir: otherDir });
    try {
      const rows = await readAll(copy);
      const upTo = rows.filter((r) => r.position <= BigInt(manifest.lastPosition));
      expect(upTo).toHaveLength(manifest.events);
      // Positions intact: the copy is exactly the start of the original log.
      expect(upTo).toEqual(original.slice(0, upTo.length));
      // Then only the restore's own identity event.
      expect(rows.slice(upTo.length).map((r) => [r.stream, r.type])).toEqual([
        [LOG_IDENTITY_STREAM, 'TrackerLogRestored'],
      ]);
      const ids = new Set(upTo.map((r) => r.id));
      for (const batch of before) for (const id of batch) expect(ids.has(id)).toBe(true);
      // Nothing half-written: each append is in the copy whole or not at all.
      for (const batch of acked) expect([0, 3]).toContain(batch.filter((id) => ids.has(id)).length);
    } finally {
      await copy.close();
    }

    // Onto the running store: refused, nothing moved.
    await expect(restoreBackup({ dataDir, file })).rejects.toThrow(RestoreRefused);
    expect(await readAll(live)).toEqual(original);
  } finally {
    await live.close();
  }
});

it('a copy that differs from its manifest, or has none, is not restored', async () => {
  const dataDir = join(root, 'data');
  const file = join(root, 'b.sqlite');
  await takeBackup({ dataDir, file });
  const bad = join(root, 'bad.sqlite');
  await copyFile(file, bad);
  await expect(verifyBackup(bad)).rejects.toThrow(/no readable manifest/);
  await copyFile(manifestPath(file), manifestPath(bad));
  const bytes = readFileSync(bad);
  bytes[bytes.length - 100] ^= 0xff;
  writeFileSync(bad, bytes);
  await expect(verifyBackup(bad)).rejects.toThrow(/checksum/);
  await expect(restoreBackup({ dataDir: join(root, 'elsewhere'), file: bad })).rejects.toThrow(/checksum/);
  expect(existsSync(join(root, 'elsewhere', 'events.sqlite'))).toBe(false);
});

it('keeps the newest nightly backups, and only those it named', async () => {
  const names = [1, 2, 3, 4, 5].map((d) => nightlyBackupName(new Date(Date.UTC(2026, 0, d, 19, 0, 0))));
  expect(names[0]).toBe('events-20260102-020000.sqlite');
  for (const n of [...names, 'mine.sqlite']) {
    writeFileSync(join(root, n), '');
    writeFileSync(manifestPath(join(root, n)), '{}');
  }
  expect(await pruneBackups(root, 3)).toEqual(names.slice(0, 2));
  for (const n of names.slice(0, 2))
    expect(existsSync(join(root, n)) || existsSync(manifestPath(join(root, n)))).toBe(false);
  for (const n of [...names.slice(2), 'mine.sqlite']) expect(existsSync(join(root, n))).toBe(true);
});
