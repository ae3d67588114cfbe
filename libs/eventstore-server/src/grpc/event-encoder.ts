import { StoredEvent, TOMBSTONE_REVISION, TOMBSTONE_REVISION_TEXT } from '../storage/event-log.types';
import { sharedPb, streamsPb, uuidMessage } from './protocol';

const IDENTIFIER_CACHE_LIMIT = 4096;

/** Builds ReadResp messages from stored rows, reusing what can be shared between events. */
export class EventEncoder {
  private readonly identifiers = new Map<string, sharedPb.StreamIdentifier>();

  constructor(private readonly structuredIds: boolean) {}

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
    const read = new streamsPb.ReadResp.ReadEvent();
    read.setEvent(record);
    read.setCommitPosition(position);
    return new streamsPb.ReadResp().setEvent(read);
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
