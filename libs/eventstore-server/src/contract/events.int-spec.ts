import { randomUUID } from 'node:crypto';
import { binaryEvent, jsonEvent } from '@eventstore/db-client';
import { useTestEventStore } from '@tracker/testing/eventstore/test-event-store';
import { APPEND_PATHS, appendVia, readStreamEvents } from './contract-helpers';

/**
 * Event content (esdb.md §2 RecordedEvent, §4.6): data and custom metadata bytes round-trip exactly, JSON vs
 * binary by content-type, `created` set by the server (ticks) close to now.
 */
// Waits below carry their own deadlines; this only bounds a stuck test on a loaded machine.
jest.setTimeout(30_000);
const store = useTestEventStore();

describe.each(APPEND_PATHS)('event content through %s', (path) => {
  it('round-trips JSON data with unicode, and JSON custom metadata', async () => {
    const stream = store().streamName('json');
    const data = {
      dossier: 'Hồ sơ cấp giấy phép xây dựng',
      office: 'Bộ phận Một cửa — Phường Bến Nghé',
      emoji: '📄✅',
      cjk: '申請書',
      nested: { list: [1, 2.5, null, true, 'ư'], empty: {} },
    };
    const metadata = { $correlationId: randomUUID(), actor: 'cán bộ tiếp nhận', n: 3 };
    const event = jsonEvent({ id: randomUUID(), type: 'HồSơĐãTiếpNhận', data, metadata });
    await appendVia(path, store().client, stream, event);
    const [read] = await readStreamEvents(store().client, stream);
    expect(read.event).toMatchObject({
      id: event.id,
      type: 'HồSơĐãTiếpNhận',
      isJson: true,
      data,
      metadata,
    });
  });

  it('round-trips binary data and binary custom metadata byte for byte', async () => {
    const stream = store().streamName('binary');
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    const metadata = Uint8Array.from([0, 255, 1, 254, 0xc3, 0x28]);
    const event = binaryEvent({ id: randomUUID(), type: 'Scanned', data, metadata });
    await appendVia(path, store().client, stream, event);
    const [read] = await readStreamEvents(store().client, stream);
    expect(read.event!.isJson).toBe(false);
    expect(Buffer.from(read.event!.data as Uint8Array)).toEqual(Buffer.from(data));
    expect(Buffer.from(read.event!.metadata as Uint8Array)).toEqual(Buffer.from(metadata));
  });

  it('keeps an empty payload and absent metadata', async () => {
    const stream = store().streamName('empty');
    await appendVia(path, store().client, stream, [
      binaryEvent({ type: 'Empty', data: new Uint8Array(0) }),
      jsonEvent({ type: 'NoMeta', data: {} }),
    ]);
    const [empty, noMeta] = await readStreamEvents(store().client, stream);
    expect(Buffer.from(empty.event!.data as Uint8Array)).toHaveLength(0);
    expect(noMeta.event!.data).toEqual({});
    const metadata = noMeta.event!.metadata as Uint8Array | undefined;
    expect(metadata === undefined || metadata.length === 0).toBe(true);
  });

  it('sets `created` to the append time, as a Date (the server sends .NET ticks)', async () => {
    const stream = store().streamName('created');
    const before = Date.now();
    await appendVia(path, store().client, stream, jsonEvent({ type: 'Timed', data: {} }));
    const after = Date.now();
    const [read] = await readStreamEvents(store().client, stream);
    const created = read.event!.created;
    expect(created).toBeInstanceOf(Date);
    expect(Number.isNaN(created.getTime())).toBe(false);
    expect(created.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(created.getTime()).toBeLessThanOrEqual(after + 1_000);
  });

  it('accepts unicode stream names and event types', async () => {
    const stream = `${store().streamName('unicode')}-hồsơ-申請-📄`;
    await appendVia(path, store().client, stream, jsonEvent({ type: 'Đã-nộp-📄', data: { ok: true } }));
    const [read] = await readStreamEvents(store().client, stream);
    expect(read.event).toMatchObject({ streamId: stream, type: 'Đã-nộp-📄' });
  });
});
