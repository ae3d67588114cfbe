import { StoredEvent, TOMBSTONE_REVISION } from '../storage/event-log.types';
import { EventEncoder, framedReadResp, unframe } from './event-encoder';
import { streamsPb } from './protocol';

const event = (overrides: Partial<StoredEvent> = {}): StoredEvent => ({
  position: 123_456,
  stream: 'dossier-ü-1',
  revision: 7,
  id: '0b6c3b9e-2f57-4c1e-9d59-4f0e4a1c2b3d',
  type: 'DossierReceived',
  contentType: 'application/json',
  created: 1_764_000_000_123_456,
  data: Buffer.from('{"a":1}'),
  metadata: Buffer.from('{"m":"é"}'),
  ...overrides,
});

/** The hand encoding must decode to exactly what jspb builds for the same row. */
const decodeBoth = (e: StoredEvent) => {
  const encoder = new EventEncoder(false);
  const fast = streamsPb.ReadResp.deserializeBinary(encoder.event(e).serializeBinary());
  const reference = streamsPb.ReadResp.deserializeBinary(encoder.eventMessage(e).serializeBinary());
  return { fast: fast.toObject(), reference: reference.toObject() };
};

describe('EventEncoder', () => {
  it.each([
    ['a typical event', event()],
    [
      'revision 0, empty data and metadata',
      event({ revision: 0, data: Buffer.alloc(0), metadata: Buffer.alloc(0) }),
    ],
    ['a tombstone (revision long.MaxValue)', event({ revision: TOMBSTONE_REVISION, type: '$streamDeleted' })],
    [
      'large positions and payloads',
      event({ position: 2 ** 52 + 3, revision: 300_000, data: Buffer.alloc(70_000, 1) }),
    ],
  ])('encodes %s exactly as jspb would', (_name, e) => {
    const { fast, reference } = decodeBoth(e);
    expect(fast).toEqual(reference);
  });

  it('produces instances of the client module ReadResp (the generated serializer checks instanceof)', () => {
    expect(new EventEncoder(false).event(event())).toBeInstanceOf(streamsPb.ReadResp);
  });

  it('reports ticks, the tombstone revision and positions as the client reads them', () => {
    const { fast } = decodeBoth(event({ revision: TOMBSTONE_REVISION }));
    const record = fast.event!.event!;
    expect(record.streamRevision).toBe('9223372036854775807');
    expect(record.commitPosition).toBe('123456');
    expect(record.preparePosition).toBe('123456');
    expect(new Map(record.metadataMap).get('created')).toBe('17640000001234560');
    expect(fast.event!.commitPosition).toBe('123456');
  });

  it('frames a stored message as gRPC does (flag 0, big-endian length) around the same ReadResp bytes', () => {
    const events = [
      event(),
      event({ revision: TOMBSTONE_REVISION }),
      event({ data: Buffer.alloc(70_000, 2) }),
    ];
    const framed = events.map(framedReadResp);
    framed.forEach((bytes, i) => {
      expect(bytes[0]).toBe(0);
      expect(bytes.readUInt32BE(1)).toBe(bytes.length - 5);
      expect(bytes.subarray(5)).toEqual(new EventEncoder(false).encodeEvent(events[i]));
    });
    expect([...unframe(Buffer.concat(framed))]).toEqual(framed.map((b) => b.subarray(5)));
  });
});
