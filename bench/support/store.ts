// What the benches that drive the tracker's runtime over a real store share: the embedded event store in a
// process of its own over a temporary directory, its client, store and $all feed, a Redis under a key prefix
// of the bench's own (removed at the end), a bench dossier's receipt, and appends of many new streams.
import { EventStoreDBClient } from '@eventstore/db-client';
import { dossierStreamName, instantFromMs, type DossierEvent, type DossierReceived } from '@tracker/domain';
import { EsdbEventFeed, EsdbEventStore, unlinkMatching } from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEventStoreProcess, stop } from './processes';

export const BENCH_META = { actor: 'bench', correlationId: 'bench', causationId: 'bench' };

export type BenchStore = Readonly<{
  client: EventStoreDBClient;
  store: EsdbEventStore;
  feed: EsdbEventFeed;
  redisUrl: string;
  /** The bench's Redis key prefix, `bench:<name>:<random>:`. */
  prefix: string;
  redis: Redis;
  /** Removes the bench's keys, closes the clients, stops the event store and removes its directory. */
  close: () => Promise<void>;
}>;

/** The event store (its own process, a fresh directory) and Redis (REDIS_URL, default local) for a bench. */
export async function openBenchStore(name: string): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const es = await startEventStoreProcess(dataDir);
  const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${es.port}?tls=false`);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench:${name}:${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisUrl);
  return {
    client,
    store: new EsdbEventStore(client),
    feed: new EsdbEventFeed(client),
    redisUrl,
    prefix,
    redis,
    close: async () => {
      await unlinkMatching(redis, `${prefix}*`);
      await redis.quit();
      await client.dispose();
      await stop(es.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bench dossier's receipt: an in-person dossier of a 10-working-day procedure, due at `dueMs`. */
export const benchReceipt = (
  code: string,
  receivedMs: number,
  dueMs: number,
  more: Readonly<{ nationalCode?: string; applicantName?: string }> = {},
): DossierReceived => ({
  type: 'DossierReceived',
  data: {
    code,
    unitId: `U${String(code.length % 20).padStart(2, '0')}`,
    procedureCode: 'P-BENCH',
    procedure: {
      name: 'Thủ tục mẫu',
      timeLimit: { value: 10, unit: 'working-days' },
      onlineLevel: 'none',
      feeRequired: false,
      requiresWrittenResult: true,
      ...(more.nationalCode ? { nationalCode: more.nationalCode } : {}),
    },
    channel: 'in-person',
    receivedAt: instantFromMs(receivedMs),
    dueAt: instantFromMs(dueMs),
    feeAmount: 0,
    calendarVersion: '',
    occurredAt: instantFromMs(receivedMs),
    ...(more.applicantName ? { applicantName: more.applicantName } : {}),
  },
});

/** Appends `count` new dossier streams, 256 at a time: the i-th is `events(i)` under `dossier-{code}`. */
export async function appendNewDossiers(
  store: EsdbEventStore,
  count: number,
  dossier: (i: number) => { code: string; events: readonly DossierEvent[] },
): Promise<void> {
  for (let i = 0; i < count; i += 256) {
    await Promise.all(
      Array.from({ length: Math.min(256, count - i) }, (_, j) => {
        const { code, events } = dossier(i + j);
        return store.appendToStream(
          dossierStreamName(code),
          events.map((event) => ({ event, id: randomUUID(), metadata: BENCH_META })),
          'no_stream',
        );
      }),
    );
  }
}
