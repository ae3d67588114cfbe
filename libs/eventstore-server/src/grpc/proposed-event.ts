import { ProposedEvent } from '../storage/event-log.types';
import { BadRequestError, parseUuid, streamsPb } from './protocol';

type ProposedMessage = streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage;

/** The server requires `type` and `content-type` on every event (esdb.md §4.6). */
export class MissingMetadataError extends Error {
  constructor(readonly missing: string[]) {
    super(`Missing required metadata propert${missing.length > 1 ? 'ies' : 'y'}: ${missing.join(', ')}`);
  }
}

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Validates one proposed message; `size` is what counts against the maximum append size: the data alone, as
 * the 24.10 server this one presents as counts it (its `Event.SizeOnDisk` returned the data's length, an
 * operator-precedence slip: KurrentDB issue #4519; from 25.x, PR #4882, the metadata and twice the type count too).
 */
export function toProposedEvent(message: ProposedMessage | undefined): {
  event: ProposedEvent;
  size: number;
} {
  if (!message) throw new BadRequestError('proposed message is missing');
  const id = parseUuid(message.getId(), 'event id');
  const map = message.getMetadataMap();
  const type = map.get('type');
  const contentType = map.get('content-type');
  if (!type || !contentType) {
    const missing: string[] = [];
    if (!type) missing.push('type');
    if (!contentType) missing.push('content-type');
    throw new MissingMetadataError(missing);
  }
  const data = toBuffer(message.getData_asU8());
  const metadata = toBuffer(message.getCustomMetadata_asU8());
  return {
    event: { id, type, contentType, data, metadata },
    size: data.length,
  };
}
