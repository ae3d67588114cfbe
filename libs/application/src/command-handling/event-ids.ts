import { createHash, randomUUID } from 'node:crypto';

// Fixed namespace for the tracker's name-based (v5) event ids.
const NAMESPACE = Buffer.from('5f0c7e4e9a6b4c1f8d3e2a7b6c5d4e3f', 'hex');

/** RFC 4122 version-5 UUID of `name` in the tracker's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Event ids derive from the idempotency key when there is one, so a retry that reaches the store twice is
 * recognised there as the same write; otherwise they are random.
 */
export function eventId(idempotencyScope: string | undefined, streamName: string, index: number): string {
  return idempotencyScope ? uuidV5(`${idempotencyScope}\n${streamName}\n${index}`) : randomUUID();
}
