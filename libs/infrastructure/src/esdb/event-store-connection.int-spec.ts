import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvent } from '@eventstore/db-client';
import { SERVER_FILE as EMBEDDED_SERVER_FILE, startEventStoreServer } from '@tracker/eventstore-server';
import { connectEventStore } from './event-store-connection';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'es-conn-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('connecting to the embedded event store', () => {
  it('the first connection serves the data directory; a second one connects to it instead of opening the file', async () => {
    const first = await connectEventStore({ dataDir: dir });
    expect(first.embedded).toBeDefined();
    expect(existsSync(join(dir, EMBEDDED_SERVER_FILE))).toBe(true);
    const second = await connectEventStore({ dataDir: dir });
    expect(second.embedded).toBeUndefined();
    expect(second.connectionString).toBe(first.connectionString);

    await second.client.appendToStream('shared-1', jsonEvent({ type: 'Noted', data: { n: 1 } }));
    const read = [];
    for await (const e of first.client.readStream('shared-1')) read.push(e.event?.type);
    expect(read).toEqual(['Noted']);

    await second.close();
    await first.close();
    expect(existsSync(join(dir, EMBEDDED_SERVER_FILE))).toBe(false);
  });

  it('takes over a data directory whose owner died without cleaning up', async () => {
    writeFileSync(
      join(dir, EMBEDDED_SERVER_FILE),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: '127.0.0.1',
        port: 1,
        connectionString: 'esdb://127.0.0.1:1?tls=false',
      }),
    );
    const conn = await connectEventStore({ dataDir: dir });
    expect(conn.embedded).toBeDefined();
    expect(await conn.headPosition()).toBeGreaterThan(0n);
    await conn.close();
  });

  it('refuses a second server on a data directory a live process serves, naming the owner', async () => {
    const owner = await connectEventStore({ dataDir: dir });
    await expect(startEventStoreServer({ dataDir: dir, port: 0 })).rejects.toMatchObject({
      name: 'DataDirInUseError',
      owner: { pid: process.pid, connectionString: owner.connectionString },
    });
    await owner.close();
  });

  it('connects to the given connection string without touching any data directory', async () => {
    const owner = await connectEventStore({ dataDir: dir });
    const other = mkdtempSync(join(tmpdir(), 'es-conn-other-'));
    const external = await connectEventStore({ connectionString: owner.connectionString, dataDir: other });
    expect(external.embedded).toBeUndefined();
    expect(existsSync(join(other, EMBEDDED_SERVER_FILE))).toBe(false);
    await external.close();
    await owner.close();
    rmSync(other, { recursive: true, force: true });
  });
});
