import { StoredEvent, TOMBSTONE_REVISION, TOMBSTONE_REVISION_TEXT } from '../storage/event-log.types';
import { sharedPb, streamsPb, uuidMessage } from './protocol';

const IDENTIFIER_CACHE_LIMIT = 4096;
/** The system event type of a link; its data is `<revision>@<stream>`. */
export const LINK_TYPE = '$>';

/**
 * Reads are the hot path: building jspb messages per event costs more than SQLite and gRPC together.
 * So events are encoded by hand into one buffer (ReadResp{event: ReadEvent{event: RecordedEvent,
 * commit_position}}, field numbers from streams.proto) and handed over as a ReadResp whose
 * `serializeBinary` returns those bytes: still an instance of the client module's ReadResp, which is
 * what the generated serializer checks. A spec pins the bytes to what jspb itself would produce.
 */
export function preEncodedAs<T extends { serializeBinary(): Uint8Array }>(type: {
  prototype: T;
}): (bytes: Uint8Array) => T {
  const prototype = Object.create(type.prototype, {
    serializeBinary: {
      value(this: { bytes: Uint8Array }) {
        return this.bytes;
      },
    },
  }) as T;
  return (bytes) => {
    const message = Object.create(prototype) as T & { bytes: Uint8Array };
    message.bytes = bytes;
    return message;
  };
}
export const preEncoded = preEncodedAs(streamsPb.ReadResp);

export const varintSize = (value: number): number => {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
};

/** Varint of a non-negative integer up to 2^53, without 32-bit bit operations. */
export const writeVarint = (buf: Buffer, offset: number, value: number): number => {
  while (value >= 128) {
    buf[offset++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  buf[offset++] = value;
  return offset;
};

/** long.MaxValue (a tombstone's revision) as a varint: 63 one-bits. */
const TOMBSTONE_VARINT = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
const TYPE_KEY = Buffer.from('type');
const CONTENT_TYPE_KEY = Buffer.from('content-type');
const CREATED_KEY = Buffer.from('created');

/** A length-delimited field header: tag byte + varint length. */
const headerSize = (length: number): number => 1 + varintSize(length);
const mapEntrySize = (key: number, value: number): number =>
  headerSize(key) + key + headerSize(value) + value;

/**
 * ReadResp bytes for an event, ids as strings (the same bytes as jspb's serializeBinary), after `prefix`
 * bytes left for the caller. `identifier`: the encoded StreamIdentifier.
 */
function encodeReadResp(e: StoredEvent, identifier: Buffer, prefix: number): Buffer {
  const typeLength = Buffer.byteLength(e.type);
  const contentTypeLength = Buffer.byteLength(e.contentType);
  const created = `${e.created}0`;
  const tombstone = e.revision === TOMBSTONE_REVISION;
  const revisionSize =
    e.revision === 0 ? 0 : 1 + (tombstone ? TOMBSTONE_VARINT.length : varintSize(e.revision));
  const positionSize = e.position === 0 ? 0 : 1 + varintSize(e.position);
  const uuidSize = 2 + 36; // UUID{string (field 2) = 36 ASCII chars}
  const typeEntry = mapEntrySize(TYPE_KEY.length, typeLength);
  const contentTypeEntry = mapEntrySize(CONTENT_TYPE_KEY.length, contentTypeLength);
  const createdEntry = mapEntrySize(CREATED_KEY.length, created.length);
  const recordSize =
    headerSize(uuidSize) +
    uuidSize +
    headerSize(identifier.length) +
    identifier.length +
    revisionSize +
    2 * positionSize +
    headerSize(typeEntry) +
    typeEntry +
    headerSize(contentTypeEntry) +
    contentTypeEntry +
    headerSize(createdEntry) +
    createdEntry +
    (e.metadata.length > 0 ? headerSize(e.metadata.length) + e.metadata.length : 0) +
    (e.data.length > 0 ? headerSize(e.data.length) + e.data.length : 0);
  const readEventSize = headerSize(recordSize) + recordSize + 1 + varintSize(e.position);
  const total = headerSize(readEventSize) + readEventSize;

  const buf = Buffer.allocUnsafe(prefix + total);
  let o = prefix;
  buf[o++] = 0x0a; // ReadResp.event
  o = writeVarint(buf, o, readEventSize);
  buf[o++] = 0x0a; // ReadEvent.event
  o = writeVarint(buf, o, recordSize);
  buf[o++] = 0x0a; // RecordedEvent.id
  o = writeVarint(buf, o, uuidSize);
  buf[o++] = 0x12; // UUID.string
  buf[o++] = 36;
  o += buf.write(e.id, o, 'latin1');
  buf[o++] = 0x12; // RecordedEvent.stream_identifier
  o = writeVarint(buf, o, identifier.length);
  o += identifier.copy(buf, o);
  if (revisionSize > 0) {
    buf[o++] = 0x18; // stream_revision
    o = tombstone ? o + TOMBSTONE_VARINT.copy(buf, o) : writeVarint(buf, o, e.revision);
  }
  if (positionSize > 0) {
    buf[o++] = 0x20; // prepare_position
    o = writeVarint(buf, o, e.position);
    buf[o++] = 0x28; // commit_position
    o = writeVarint(buf, o, e.position);
  }
  o = writeEntry(buf, o, TYPE_KEY, e.type, typeLength, typeEntry);
  o = writeEntry(buf, o, CONTENT_TYPE_KEY, e.contentType, contentTypeLength, contentTypeEntry);
  o = writeEntry(buf, o, CREATED_KEY, created, created.length, createdEntry);
  if (e.metadata.length > 0) {
    buf[o++] = 0x3a; // custom_metadata
    o = writeVarint(buf, o, e.metadata.length);
    o += e.metadata.copy(buf, o);
  }
  if (e.data.length > 0) {
    buf[o++] = 0x42; // data
    o = writeVarint(buf, o, e.data.length);
    o += e.data.copy(buf, o);
  }
  buf[o++] = 0x18; // ReadEvent.commit_position
  writeVarint(buf, o, e.position);
  return buf;
}

/** One `metadata` map entry (field 6): key (1) and value (2), both strings. */
function writeEntry(
  buf: Buffer,
  o: number,
  key: Buffer,
  value: string,
  valueLength: number,
  size: number,
): number {
  buf[o++] = 0x32;
  o = writeVarint(buf, o, size);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, key.length);
  o += key.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, valueLength);
  return o + buf.write(value, o, 'utf8');
}

/** A StreamIdentifier message (field 3: the UTF-8 name). */
function encodeIdentifier(stream: string): Buffer {
  const name = Buffer.from(stream, 'utf8');
  const encoded = Buffer.allocUnsafe(headerSize(name.length) + name.length);
  encoded[0] = 0x1a; // StreamIdentifier.stream_name
  name.copy(encoded, writeVarint(encoded, 1, name.length));
  return encoded;
}

/** gRPC's message prefix: a compression flag (0) and the length, big-endian. */
const FRAME_PREFIX = 5;

/**
 * An event as a whole gRPC message of a read (prefix + ReadResp, ids as strings): the log keeps it beside
 * the row, so a read of `$all` hands the stored bytes of a page to HTTP/2 as they are.
 */
export function framedReadResp(e: StoredEvent): Buffer {
  const buf = encodeReadResp(e, encodeIdentifier(e.stream), FRAME_PREFIX);
  buf[0] = 0;
  buf.writeUInt32BE(buf.length - FRAME_PREFIX, 1);
  return buf;
}

/** Splits a run of framed messages back into the messages' bytes. */
export function* unframe(bytes: Buffer): Generator<Buffer> {
  for (let o = 0; o < bytes.length;) {
    const length = bytes.readUInt32BE(o + 1);
    yield bytes.subarray(o + FRAME_PREFIX, o + FRAME_PREFIX + length);
    o += FRAME_PREFIX + length;
  }
}

/** Builds ReadResp messages from stored rows, reusing what can be shared between events. */
export class EventEncoder {
  private readonly identifiers = new Map<string, sharedPb.StreamIdentifier>();
  /** Encoded StreamIdentifier messages (field 3: the UTF-8 name). */
  private readonly encodedIdentifiers = new Map<string, Buffer>();

  /** `resolveLink`: given with resolveLinkTos; the target of a `$>` link, if it can be read. */
  constructor(
    private readonly structuredIds: boolean,
    private readonly resolveLink?: (link: StoredEvent) => StoredEvent | undefined,
  ) {}

  streamIdentifier(stream: string): sharedPb.StreamIdentifier {
    let identifier = this.identifiers.get(stream);
    if (!identifier) {
      identifier = new sharedPb.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
      if (this.identifiers.size >= IDENTIFIER_CACHE_LIMIT) this.identifiers.clear();
      this.identifiers.set(stream, identifier);
    }
    return identifier;
  }

  event(e: StoredEvent): streamsPb.ReadResp {
    if (this.resolveLink && e.type === LINK_TYPE) return this.resolvedLink(e, this.resolveLink(e));
    return this.structuredIds ? this.eventMessage(e) : preEncoded(this.encodeEvent(e));
  }

  private encodedIdentifier(stream: string): Buffer {
    let encoded = this.encodedIdentifiers.get(stream);
    if (!encoded) {
      encoded = encodeIdentifier(stream);
      if (this.encodedIdentifiers.size >= IDENTIFIER_CACHE_LIMIT) this.encodedIdentifiers.clear();
      this.encodedIdentifiers.set(stream, encoded);
    }
    return encoded;
  }

  /** ReadResp bytes for an event, ids as strings: same bytes as jspb's serializeBinary. */
  encodeEvent(e: StoredEvent): Buffer {
    return encodeReadResp(e, this.encodedIdentifier(e.stream), 0);
  }

  /** The same event built with jspb: for structured ids, and as the reference the spec compares to. */
  eventMessage(e: StoredEvent): streamsPb.ReadResp {
    const read = new streamsPb.ReadResp.ReadEvent();
    read.setEvent(this.recorded(e));
    read.setCommitPosition(String(e.position));
    return new streamsPb.ReadResp().setEvent(read);
  }

  /**
   * A `$>` link read with resolveLinkTos: `event` is the event it points to and `link` the link record,
   * at the link's position; a link whose target is gone (deleted, truncated, not readable) comes with
   * `link` only, as the real server answers a failed resolution.
   */
  resolvedLink(link: StoredEvent, target: StoredEvent | undefined): streamsPb.ReadResp {
    const read = new streamsPb.ReadResp.ReadEvent();
    if (target) read.setEvent(this.recorded(target));
    read.setLink(this.recorded(link));
    read.setCommitPosition(String(link.position));
    return new streamsPb.ReadResp().setEvent(read);
  }

  private recorded(e: StoredEvent): streamsPb.ReadResp.ReadEvent.RecordedEvent {
    const position = String(e.position);
    const record = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
    record.setId(uuidMessage(e.id, this.structuredIds));
    record.setStreamIdentifier(this.streamIdentifier(e.stream));
    record.setStreamRevision(
      e.revision === TOMBSTONE_REVISION ? TOMBSTONE_REVISION_TEXT : String(e.revision),
    );
    record.setPreparePosition(position);
    record.setCommitPosition(position);
    const metadata = record.getMetadataMap();
    metadata.set('type', e.type);
    metadata.set('content-type', e.contentType);
    // .NET ticks (100 ns) since the Unix epoch, from stored microseconds.
    metadata.set('created', `${e.created}0`);
    record.setCustomMetadata(e.metadata);
    record.setData(e.data);
    return record;
  }

  static checkpoint(position: number): streamsPb.ReadResp {
    const checkpoint = new streamsPb.ReadResp.Checkpoint();
    checkpoint.setCommitPosition(String(position));
    checkpoint.setPreparePosition(String(position));
    return new streamsPb.ReadResp().setCheckpoint(checkpoint);
  }

  static confirmation(id: string): streamsPb.ReadResp {
    return new streamsPb.ReadResp().setConfirmation(
      new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(id),
    );
  }

  static caughtUp(): streamsPb.ReadResp {
    return new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp());
  }

  streamNotFound(stream: string): streamsPb.ReadResp {
    return new streamsPb.ReadResp().setStreamNotFound(
      new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(this.streamIdentifier(stream)),
    );
  }
}

/** Rough wire size, for backpressure accounting. */
export const eventSize = (e: StoredEvent): number => 96 + e.data.length + e.metadata.length + e.stream.length;
