import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreDBClient,
  jsonEvent,
  MaxAppendSizeExceededError,
  Position,
  START,
} from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import {
  collect,
  rawBidi,
  rawClientStream,
  rawServerStream,
  rawUnary,
  waitFor,
  within,
} from '@tracker/testing/eventstore/test-event-store';
import {
  EventStoreProcess,
  SpawnOptions,
  spawnEventStoreCli,
  startEventStoreProcess,
} from './support/eventstore-process';

/**
 * The standalone event store across processes (ARCHITECTURE.md: one transaction per append, positions that
 * only grow and survive restarts): SIGKILL in the middle of concurrent appends loses nothing acknowledged and
 * leaves nothing half-written; bad requests get errors, never a crash; the CLI contract.
 */
jest.setTimeout(180_000);

const processes: EventStoreProcess[] = [];
const clients: EventStoreDBClient[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'esdb-e2e-'));
  dirs.push(dir);
  return dir;
}

async function start(args: string[], options: SpawnOptions = {}): Promise<EventStoreProcess> {
  const server = await startEventStoreProcess(args, 60_000, options);
  processes.push(server);
  return server;
}

function connect(server: EventStoreProcess): EventStoreDBClient {
  const client = EventStoreDBClient.connectionString(server.connectionString);
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  await Promise.allSettled(
    processes.splice(0).map((p) => {
      p.killTree('SIGKILL');
      return p.stop('SIGKILL');
    }),
  );
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type EventBody = {
  append: string;
  index: number;
  of: number;
  pad: string;
};

interface Attempt {
  append: string;
  stream: string;
  ids: string[];
  acked?: { nextExpectedRevision: bigint; position?: Position };
}

describe('SIGKILL during concurrent appends', () => {
  it('keeps every acknowledged append, nothing half-written, and positions grow after the restart', async () => {
    const dataDir = tempDir();
    const first = await start(['--port', '0', '--data', dataDir]);
    const client = connect(first);

    const attempts: Attempt[] = [];
    let stop = false;
    const WRITERS = 8;
    const shared = [`crash-shared-${randomUUID()}`, `crash-shared-${randomUUID()}`];
    const writer = async (w: number) => {
      const own = `crash-own-${w}-${randomUUID()}`;
      for (let n = 0; !stop; n += 1) {
        const size = 1 + ((n * 7 + w) % 8);
        const stream = n % 3 === 0 ? shared[n % 2] : own;
        const append = `${w}-${n}`;
        const events = Array.from({ length: size }, (_, index) =>
          jsonEvent({
            id: randomUUID(),
            type: 'Crashed',
            data: { append, index, of: size, pad: 'p'.repeat(512) },
          }),
        );
        const attempt: Attempt = { append, stream, ids: events.map((e) => e.id) };
        attempts.push(attempt);
        try {
          // Odd writers go through Streams/Append (per-call credentials), even ones through BatchAppend.
          const result = await client.appendToStream(
            stream,
            events,
            w % 2 === 1 ? { credentials: { username: 'admin', password: 'changeit' } } : {},
          );
          attempt.acked = { nextExpectedRevision: result.nextExpectedRevision, position: result.position };
        } catch {
          return; // the server is gone: this append is in doubt, the writer stops
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    await waitFor(() => attempts.filter((a) => a.acked).length >= 400, {
      description: '400 acknowledged appends',
      timeoutMs: 60_000,
    });
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    stop = true;
    await within(Promise.all(writers), 30_000, 'the writers noticing the crash');
    await client.dispose();

    const acked = attempts.filter((a) => a.acked);
    const inDoubt = attempts.filter((a) => !a.acked);
    expect(inDoubt.length).toBeGreaterThan(0);

    const second = await start(['--port', '0', '--data', dataDir]);
    const after = connect(second);
    const all = await collect(after.readAll({ fromPosition: START }));
    const ours = all.filter((e) => e.event?.type === 'Crashed');

    // Positions: commit = prepare, strictly growing over the whole log.
    for (let i = 1; i < all.length; i += 1) {
      expect(all[i].event!.position.commit).toBeGreaterThan(all[i - 1].event!.position.commit);
    }

    // Nothing half there: every append found is complete, in order, contiguous in its stream.
    const byAppend = new Map<string, typeof ours>();
    for (const e of ours) {
      const body = e.event!.data as unknown as EventBody;
      byAppend.set(body.append, [...(byAppend.get(body.append) ?? []), e]);
    }
    const attemptsByAppend = new Map(attempts.map((a) => [a.append, a]));
    for (const [append, events] of byAppend) {
      const attempt = attemptsByAppend.get(append);
      expect(attempt).toBeDefined();
      expect(events.map((e) => e.event!.id)).toEqual(attempt!.ids);
      const revisions = events.map((e) => Number(e.event!.revision));
      expect(revisions).toEqual(revisions.map((_, i) => revisions[0] + i));
      expect(new Set(events.map((e) => e.event!.streamId))).toEqual(new Set([attempt!.stream]));
    }

    // Every acknowledged append is there, at the revision and position it was acknowledged with.
    for (const a of acked) {
      const events = byAppend.get(a.append);
      expect(events).toBeDefined();
      const last = events![events!.length - 1].event!;
      expect(last.revision).toBe(a.acked!.nextExpectedRevision);
      if (a.acked!.position) expect(last.position).toEqual(a.acked!.position);
    }

    // Each stream reads back with contiguous revisions from 0.
    for (const stream of new Set(attempts.map((a) => a.stream))) {
      const read = await collect(after.readStream(stream)).catch(() => []);
      const revisions = read.map((e) => Number(e.event!.revision));
      expect(revisions).toEqual(revisions.map((_, i) => i));
    }

    // After the restart positions keep growing and revisions continue.
    const lastBefore = all[all.length - 1].event!.position.commit;
    const streamRead = await collect(after.readStream(shared[0]));
    const result = await after.appendToStream(shared[0], jsonEvent({ type: 'AfterRestart', data: {} }));
    expect(result.position!.commit).toBeGreaterThan(lastBefore);
    expect(result.nextExpectedRevision).toBe(BigInt(streamRead.length));

    const exit = await second.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('survives a second crash right after a restart (recovery is repeatable)', async () => {
    const dataDir = tempDir();
    const stream = `crash-again-${randomUUID()}`;
    for (let round = 0; round < 3; round += 1) {
      const server = await start(['--port', '0', '--data', dataDir]);
      const client = connect(server);
      const result = await client.appendToStream(stream, [
        jsonEvent({ type: 'Round', data: { round } }),
        jsonEvent({ type: 'Round', data: { round } }),
      ]);
      expect(result.nextExpectedRevision).toBe(BigInt(round * 2 + 1));
      await client.dispose();
      await server.stop('SIGKILL');
    }
    const server = await start(['--port', '0', '--data', dataDir]);
    const read = await collect(connect(server).readStream(stream));
    expect(read.map((e) => (e.event!.data as { round: number }).round)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});

describe('SIGKILL of the whole process tree, then an immediate restart (issue 11)', () => {
  it('20 cycles all start on the same directory and keep every acknowledged append', async () => {
    const dataDir = tempDir();
    // A stale address naming a live process that is not ours (pid 1) must not stop the first start either.
    writeFileSync(
      join(dataDir, 'server.json'),
      JSON.stringify({
        pid: 1,
        host: '127.0.0.1',
        port: 2113,
        connectionString: 'esdb://127.0.0.1:2113?tls=false',
      }),
    );
    const stream = `cycles-${randomUUID()}`;
    const acked: string[] = [];
    const inDoubt = new Set<string>();
    for (let cycle = 0; cycle < 20; cycle += 1) {
      // Started straight after the previous tree got SIGKILL, without waiting for it to be reaped.
      const server = await start(['--port', '0', '--data', dataDir], { viaNpm: true });
      const client = EventStoreDBClient.connectionString(server.connectionString);
      try {
        const read = await collect(client.readStream(stream)).catch(() => []);
        const ids = read.map((e) => e.event!.id);
        // Every acknowledged append is there, in order; what was in flight at a kill may or may not be.
        expect(ids.filter((id) => !inDoubt.has(id))).toEqual(acked);
        for (let n = 0; n < 3; n += 1) {
          const events = [jsonEvent({ type: 'Cycle', data: { cycle, n } })];
          await client.appendToStream(stream, events);
          acked.push(events[0].id);
        }
        // Appends in flight when the tree dies: in doubt, never acknowledged.
        for (let n = 0; n < 3; n += 1) {
          const event = jsonEvent({ type: 'InFlight', data: { cycle, n } });
          inDoubt.add(event.id);
          client.appendToStream(stream, event).catch(() => undefined);
        }
      } finally {
        server.killTree('SIGKILL');
        void client.dispose().catch(() => undefined);
      }
    }
    const last = await start(['--port', '0', '--data', dataDir], { viaNpm: true });
    const read = await collect(connect(last).readStream(stream));
    expect(read.map((e) => e.event!.id).filter((id) => !inDoubt.has(id))).toEqual(acked);
    expect(acked).toHaveLength(60);
  });
});

describe('bad requests to the standalone server', () => {
  it('malformed and oversized requests get errors, never a crash', async () => {
    const server = await start(['--port', '0', '--memory']);
    const client = connect(server);
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x80]);
    const S = '/event_store.client.streams.Streams';

    const results = [
      await rawServerStream(client, `${S}/Read`, garbage),
      await rawServerStream(client, `${S}/Read`, Buffer.alloc(0)),
      await rawUnary(client, `${S}/Delete`, garbage),
      await rawUnary(client, `${S}/Tombstone`, Buffer.alloc(0)),
      await rawClientStream(client, `${S}/Append`, [garbage, garbage]),
      await rawClientStream(client, `${S}/Append`, []),
      await rawBidi(client, `${S}/BatchAppend`, [garbage]),
      await rawUnary(client, `${S}/Delete`, Buffer.alloc(40 * 1024 * 1024, 7), 30_000),
      await rawClientStream(client, `${S}/Append`, [Buffer.alloc(20 * 1024 * 1024, 3)], 30_000),
    ];
    for (const r of results) {
      expect(r.error).toBeDefined();
      expect(r.error!.code).not.toBe(status.OK);
    }

    const stream = `bad-${randomUUID()}`;
    const oversize = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    await expect(client.appendToStream(stream, oversize)).rejects.toBeInstanceOf(MaxAppendSizeExceededError);

    expect(server.alive()).toBe(true);
    const ok = await within(
      client.appendToStream(stream, jsonEvent({ type: 'Fine', data: {} })),
      10_000,
      'append',
    );
    expect(ok.nextExpectedRevision).toBe(0n);
    expect(server.stderr()).not.toMatch(/Unhandled|uncaught/i);
  });
});

describe('standalone CLI contract', () => {
  it('prints one JSON listening line for --port 0, serves on that port, and exits 0 on SIGTERM', async () => {
    const server = await start(['--port', '0', '--host', '127.0.0.1', '--memory']);
    expect(JSON.parse(server.stdoutLines[0])).toEqual({
      event: 'listening',
      host: '127.0.0.1',
      port: server.port,
    });
    expect(server.port).toBeGreaterThan(0);
    const client = connect(server);
    await client.appendToStream(`cli-${randomUUID()}`, jsonEvent({ type: 'Cli', data: {} }));
    await client.dispose();
    const exit = await within(server.stop('SIGTERM'), 15_000, 'the exit after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stdoutLines).toHaveLength(1);
  });

  it('exits 0 on SIGTERM while a subscription is open', async () => {
    const server = await start(['--port', '0', '--memory']);
    const client = connect(server);
    const subscription = client.subscribeToAll({ fromPosition: START });
    subscription.on('error', () => undefined);
    let confirmed = false;
    subscription.on('confirmation', () => {
      confirmed = true;
    });
    subscription.on('data', () => undefined);
    await waitFor(() => confirmed, { description: 'the subscription confirmation' });
    const exit = await within(server.stop('SIGTERM'), 15_000, 'the exit after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('warns on stderr when it listens beyond loopback without TLS (no authentication then)', async () => {
    const server = await start(['--port', '0', '--host', '0.0.0.0', '--memory']);
    expect(server.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0 without TLS/);
    const quiet = await start(['--port', '0', '--memory']);
    expect(quiet.stderr()).not.toMatch(/WARNING/);
  });

  it('refuses bad arguments with a message and a non-zero exit', async () => {
    const run = spawnEventStoreCli(['--port', 'not-a-port']);
    const exit = await within(run.exited, 60_000, 'the exit');
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(run.stderr()).not.toBe('');
    expect(run.stdoutLines).toEqual([]);
  });
});
