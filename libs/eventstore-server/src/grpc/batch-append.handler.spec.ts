import { ExpectedRevision } from '../storage/event-log.types';
import { baseResponse, successResponse } from './batch-append.handler';
import { GoogleEmpty, sharedPb, streamsPb, uuidMessage } from './protocol';

/** What jspb builds for the same answer: the reference the hand encoding must match byte for byte. */
function reference(
  correlation: sharedPb.UUID | undefined,
  stream: string,
  expected: ExpectedRevision | undefined,
  lastRevision: number,
  position: number,
): Uint8Array {
  const success = new streamsPb.BatchAppendResp.Success();
  if (lastRevision < 0) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(String(lastRevision));
  const at = new sharedPb.AllStreamPosition();
  at.setCommitPosition(String(position));
  at.setPreparePosition(String(position));
  success.setPosition(at);
  return baseResponse(correlation, { stream, expected }).setSuccess(success).serializeBinary();
}

const ID = '0b6c3b9e-2f57-4c1e-9d59-4f0e4a1c2b3d';

describe('successResponse', () => {
  it.each<[string, sharedPb.UUID | undefined, string, ExpectedRevision | undefined, number, number]>([
    ['a typical append (any)', uuidMessage(ID, false), 'single-3-17', { kind: 'any' }, 12, 123_456],
    [
      'a structured correlation id, no_stream',
      uuidMessage(ID, true),
      'dossier-ü-1',
      { kind: 'no_stream' },
      0,
      128,
    ],
    ['stream_exists', uuidMessage(ID, false), 's', { kind: 'stream_exists' }, 300_000, 2 ** 52 + 3],
    ['an exact revision of 0', uuidMessage(ID, false), 's', { kind: 'exact', revision: 0 }, 1, 5_000],
    [
      'a large exact revision',
      uuidMessage(ID, true),
      's',
      { kind: 'exact', revision: 2 ** 40 },
      2 ** 40 + 1,
      77,
    ],
    [
      'an empty append to a missing stream (no revision, position 0)',
      uuidMessage(ID, false),
      'x',
      { kind: 'any' },
      -1,
      0,
    ],
    ['no correlation id and no expected position', undefined, '', undefined, 3, 999],
  ])('encodes %s exactly as jspb would', (_name, correlation, stream, expected, lastRevision, position) => {
    const fast = successResponse(correlation, { stream, expected }, { lastRevision, position });
    expect(Buffer.from(fast.serializeBinary())).toEqual(
      Buffer.from(reference(correlation, stream, expected, lastRevision, position)),
    );
    expect(fast).toBeInstanceOf(streamsPb.BatchAppendResp);
  });
});
